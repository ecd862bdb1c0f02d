/**
 * Untrusted text cannot drive the terminal or the workflow log. Case ids, origin links, a task's thrown
 * message and a model's output carry GitHub workflow commands (`::set-output`, `::add-mask::`,
 * `::stop-commands::`, `::error::`), CR/LF to start a line of their own, ESC sequences (`ESC[2J`, OSC 8
 * hyperlinks, window titles) and the legacy `##[command]` form. Through the real CLI (`node
 * bin/tracegate.js`) and the bundled action (`node dist/index.js`): every line printed is checked.
 */
import { readFileSync } from 'node:fs';
import { cli } from '../helpers/cli.js';
import { makeTempProject } from '../helpers/temp-project.js';
import { GitHubServer } from '../servers/github-server.js';
import { MARKER, pullRequestPayload, requireBundle, runStep } from '../action/action-runner.js';

const ESC = '\u001b';
const BEL = '\u0007';
const FORGED_ID = `${ESC}[2J${ESC}]8;;https://evil.example${BEL}click${ESC}]8;;${BEL} hal-1\r::set-output name=passed::true`;
const FORGED_ID_2 = '::add-mask::visible-word\n::stop-commands::tok123';
const THROWN = `task failed\n::set-output name=passed::true\n${ESC}[31mred${ESC}[0m\r::error::forged error\n##[warning]legacy forged`;
const OUTPUT = `\n::warning::forged warning${ESC}]0;pwned title${BEL} says @here see https://evil.example/x`;

function hostileProject() {
  return makeTempProject({
    'package.json': JSON.stringify({ type: 'module' }),
    'tracegate.config.json': {
      task: 'module:./app.js#answer',
      datasets: 'datasets/*.jsonl',
      origin_url_template: 'https://viewer.example/trace/{id}',
      failure_modes: { hallucination: { threshold: 1, scorers: ['contains'] } },
    },
    'app.js': `export async function answer(input) {
  if (input.question === 'throw') throw new Error(${JSON.stringify(THROWN)});
  return ${JSON.stringify(OUTPUT)};
}
`,
    'datasets/hallucination.jsonl':
      [
        {
          id: FORGED_ID,
          input: { question: 'throw' },
          expected: '30 days',
          origin: { object_type: 'project_logs', id: '\n::set-output name=origin::x' },
          metadata: { failure_mode: 'hallucination' },
        },
        {
          id: FORGED_ID_2,
          input: { question: 'answer' },
          expected: '30 days',
          metadata: { failure_mode: 'hallucination' },
        },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
  });
}

/** Lines the runner would read as a workflow command, except the ones tracegate itself writes. */
function forgedCommands(log: string): string[] {
  return log
    .split(/\r?\n/)
    .filter((l) => /^\s*::/.test(l) || l.includes('##['))
    .filter(
      (l) =>
        !/^::(group|endgroup)::/.test(l) &&
        !/^::add-mask::(test-token)$/.test(l) &&
        !/^::(error|warning|notice)( title=tracegate [^,]*,file=[^,]+,line=\d+)?::/.test(l),
    );
}

function expectInertLog(log: string) {
  expect(forgedCommands(log)).toEqual([]);
  expect(log).not.toMatch(/[\u001b\u0007\r\u009b\u009d]/);
  // The forged commands are shown, as text, inside tracegate's own lines.
  expect(log).not.toMatch(
    /^\s*::(set-output|add-mask::visible|stop-commands|error::forged|warning::forged)/m,
  );
}

describe('hostile text in what tracegate prints', () => {
  test('CLI: ids, origins, thrown messages and outputs are neutralised on stdout and stderr', async () => {
    const p = hostileProject();
    try {
      const run = await cli(['eval', '--out', 'out'], p.dir);
      expect(run.code).toBe(1);
      expectInertLog(run.stdout);
      expectInertLog(run.stderr);
      // Still readable: the failing cases are listed, their breaks shown as ⏎.
      expect(run.stdout).toContain('Failing cases:');
      expect(run.stdout).toContain('click hal-1 ⏎ ::set-output name=passed::true [errored]: ');
      expect(run.stdout).toContain(
        'task failed ⏎ ::set-output name=passed::true ⏎ red ⏎ ::error::forged error',
      );
      expect(run.stdout).toContain('# #[warning]legacy forged');
      // results.json keeps the data as it was (JSON escapes it); only what is printed is neutralised.
      const results = JSON.parse(readFileSync(`${p.dir}/out/results.json`, 'utf8'));
      expect(results.cases.map((c: { id: string }) => c.id).sort()).toEqual([FORGED_ID_2, FORGED_ID].sort());
    } finally {
      p.cleanup();
    }
  });

  test('CLI: an error message that quotes hostile input is neutralised on stderr (exit 2)', async () => {
    const p = hostileProject();
    try {
      const run = await cli(
        ['eval', '--task', `module:./nope.js\n::set-output name=passed::true\n${ESC}[2J`],
        p.dir,
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^tracegate: /);
      expect(run.stderr).toContain('‹::›set-output name=passed::true');
      expectInertLog(run.stderr);
      expect(run.stdout).toBe('');
    } finally {
      p.cleanup();
    }
  });

  test('action: the log, annotations and failure message stay inert; the comment quotes it all as text', async () => {
    requireBundle();
    const github = await new GitHubServer({ login: 'tracegate-bot' }).start();
    const p = hostileProject();
    try {
      const run = await runStep({
        project: p.dir,
        apiUrl: github.url,
        event: 'pull_request',
        payload: pullRequestPayload(31),
        inputs: {},
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      expectInertLog(run.stdout);
      // Annotations carry the text escaped by the toolkit (%0A), neutralised first (no ESC, no CR).
      const annotations = run.stdout.split('\n').filter((l) => l.startsWith('::error title=tracegate'));
      expect(annotations).toHaveLength(2);
      // Nothing forged reached the outputs file.
      expect(Object.keys(run.outputs).sort()).toEqual(
        [
          'comment-url',
          'failure-modes',
          'junit-path',
          'passed',
          'regressions',
          'report-path',
          'results-path',
        ].sort(),
      );
      expect(run.outputs.passed).toBe('false');
      const [comment] = github.list('acme/support-app#31').filter((c) => c.body.includes(MARKER));
      // No live mention or bare link in the comment; no invisible characters either.
      expect(comment.body).toContain('`@here`');
      expect(comment.body).toContain('`https://evil.example/x`');
      expect(comment.body.replace(/`[^`\n]*`/g, '')).not.toMatch(/@here|(?<!\]\()https:\/\/evil/);
      expect(comment.body).not.toMatch(/[\u200b-\u200d\u2060\u001b\u0007]/);
    } finally {
      p.cleanup();
      await github.close();
    }
  });
});
