import { readFile } from 'node:fs/promises';
import { init } from 'braintrust';
import { readCases } from '../cases/load-datasets.js';
import type { RegressionCase } from '../cases/regression-case.js';
import { UsageError } from '../errors.js';
import type { BaselineIndex } from '../run/compare.js';
import type { CaseResult, Fingerprint, Results } from '../run/results.js';
import type { Task, TaskResult } from '../run/tasks/task.js';
import {
  connectBraintrust,
  experimentUrl,
  flushOrFail,
  type BraintrustConnection,
  type ConnectOptions,
} from './connect.js';
import { ancestorCommits, mergeBaseCommit, readGitContext, type GitContext } from './git.js';

/** The experiment a run was logged to, as results.json and the report show it. */
export interface ExperimentLink {
  project: string;
  name: string;
  id: string;
  url: string;
}

export interface ExperimentRunOptions extends ConnectOptions {
  cwd: string;
  project: string;
  /** Experiment name; default `<branch or commit> <short sha>`. */
  name?: string;
  fingerprint: Fingerprint;
  /** Look for a baseline experiment (when no local baseline file is given). */
  findBaseline: boolean;
  /** The branch pull requests merge into (default GITHUB_BASE_REF, else main). */
  baseBranch?: string;
  /** Told about the baseline search (the CLI prints it). */
  onNote?: (message: string) => void;
}

interface ExperimentHandle {
  id: Promise<string>;
  name: Promise<string>;
  log(event: Record<string, unknown>): string;
  flush(): Promise<void>;
}

/** What `--braintrust-experiment` adds to a run: a baseline found in Braintrust, and logging afterwards. */
export interface ExperimentRun {
  /** The latest experiment on the merge-base commit (or its nearest ancestor that has one). */
  baseline?: BaselineIndex;
  /** Wrap the task so each case's output can be logged (the last trial's). */
  wrapTask(task: Task): Task;
  /** Log every case of a finished run and return the experiment's link. */
  finish(resultsPath: string, datasetFiles: string[]): Promise<ExperimentLink>;
}

interface ListedExperiment {
  id: string;
  name: string;
  created?: string;
  repo_info?: { commit?: string } | null;
  metadata?: { tracegate?: { fingerprint?: Fingerprint } } | null;
}

/** Every experiment of a project, newest first (`GET /v1/experiment`, paged with `starting_after`). */
async function listExperiments(c: BraintrustConnection, projectId: string): Promise<ListedExperiment[]> {
  const all: ListedExperiment[] = [];
  let after: string | undefined;
  for (;;) {
    const q = new URLSearchParams({ project_id: projectId, limit: '100' });
    if (after) q.set('starting_after', after);
    const page = (await c.transport.json('GET', c.api(`/v1/experiment?${q.toString()}`), undefined, {
      what: 'listing experiments for a baseline',
    })) as { objects?: ListedExperiment[] };
    const objects = page.objects ?? [];
    all.push(...objects);
    if (objects.length < 100) return all;
    const last = objects[objects.length - 1].id;
    if (last === after) return all;
    after = last;
  }
}

/** Every row of an experiment, through BTQL with cursor paging (the query form the SDK sends). */
async function experimentRows(
  c: BraintrustConnection,
  experimentId: string,
): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = (await c.transport.json(
      'POST',
      c.api('/btql'),
      {
        query: {
          select: [{ op: 'star' }],
          from: {
            op: 'function',
            name: { op: 'ident', name: ['experiment'] },
            args: [{ op: 'literal', value: experimentId }],
          },
          cursor,
          limit: 1000,
        },
        use_columnstore: false,
        brainstore_realtime: true,
      },
      { what: 'reading the baseline experiment' },
    )) as { data?: Array<Record<string, unknown>>; cursor?: string | null };
    const data = page.data ?? [];
    rows.push(...data);
    if (!data.length || !page.cursor) return rows;
    if (seen.has(page.cursor))
      throw new UsageError(
        'Braintrust returned the same cursor twice while reading the baseline experiment.',
      );
    seen.add(page.cursor);
    cursor = page.cursor;
  }
}

/** A baseline index from an experiment tracegate logged: each row's metadata carries the case's verdict. */
export function baselineFromExperiment(
  label: string,
  fingerprint: Fingerprint | undefined,
  rows: Array<Record<string, unknown>>,
): BaselineIndex {
  const cases = new Map<string, { passed: boolean; status: string; hash?: string }>();
  const counts: Record<string, { passed: number; scored: number }> = {};
  for (const row of rows) {
    const t = (row.metadata as { tracegate?: Record<string, unknown> } | undefined)?.tracegate;
    if (!t || typeof t.case_id !== 'string') continue;
    const status = String(t.status ?? '');
    cases.set(t.case_id, {
      passed: t.passed === true,
      status,
      hash: typeof t.hash === 'string' ? t.hash : undefined,
    });
    const mode = String(t.failure_mode ?? '');
    const c = (counts[mode] ??= { passed: 0, scored: 0 });
    if (status !== 'skipped') {
      c.scored++;
      if (t.passed === true) c.passed++;
    }
  }
  const passRates: Record<string, number | null> = {};
  for (const [mode, c] of Object.entries(counts)) passRates[mode] = c.scored ? c.passed / c.scored : null;
  return { path: label, fingerprint, cases, passRates };
}

async function findBaseline(
  c: BraintrustConnection,
  projectId: string,
  git: GitContext,
  cwd: string,
  note: (m: string) => void,
): Promise<BaselineIndex | undefined> {
  const base = await mergeBaseCommit(cwd, git.baseBranch);
  if (!base) {
    note(
      `no baseline: the merge-base of HEAD and ${git.baseBranch} is unknown (a shallow clone? check out with fetch-depth: 0); regressions are not checked`,
    );
    return undefined;
  }
  const byCommit = new Map<string, ListedExperiment>();
  // Newest first, so the first experiment seen for a commit is its latest.
  for (const e of await listExperiments(c, projectId)) {
    const commit = e.repo_info?.commit;
    if (commit && e.metadata?.tracegate && !byCommit.has(commit)) byCommit.set(commit, e);
  }
  // Through every ancestor of the merge-base, not a fixed window: a base branch that ran no eval for a
  // while still finds the last one that did.
  let depth = 0;
  for (const commit of await ancestorCommits(cwd, base)) {
    const e = byCommit.get(commit);
    if (e) {
      const rows = await experimentRows(c, e.id);
      note(
        `baseline: Braintrust experiment "${e.name}" on ${commit.slice(0, 12)}${depth ? ` (${depth} commit(s) before the merge-base ${base.slice(0, 12)})` : ' (the merge-base)'}, ${rows.length} case(s)`,
      );
      return baselineFromExperiment(
        `braintrust experiment ${e.name}`,
        e.metadata?.tracegate?.fingerprint,
        rows,
      );
    }
    depth++;
  }
  note(
    `no baseline: no tracegate experiment in Braintrust on ${git.baseBranch}'s merge-base ${base.slice(0, 12)} or any ancestor; regressions are not checked`,
  );
  return undefined;
}

async function projectIdOf(c: BraintrustConnection, project: string): Promise<string | undefined> {
  const q = new URLSearchParams({ project_name: project });
  const found = (await c.transport.json('GET', c.api(`/v1/project?${q.toString()}`), undefined, {
    what: `looking up project "${project}"`,
  })) as { objects?: Array<{ id?: string; name?: string }> };
  return found.objects?.find((p) => p.name === project && typeof p.id === 'string')?.id;
}

/**
 * Start `--braintrust-experiment`: log in (a missing or rejected key fails here, before any case runs),
 * find the baseline experiment when asked, and register the experiment with the git commit, branch and
 * PR number as metadata.
 */
export async function startExperimentRun(options: ExperimentRunOptions): Promise<ExperimentRun> {
  const c = await connectBraintrust('tracegate eval --braintrust-experiment', options);
  const git = await readGitContext(options.cwd, options.env, options.baseBranch);
  const note = options.onNote ?? (() => undefined);
  const projectId = await projectIdOf(c, options.project);
  const baseline =
    options.findBaseline && projectId ? await findBaseline(c, projectId, git, options.cwd, note) : undefined;
  if (options.findBaseline && !projectId)
    note(`no baseline: project "${options.project}" has no experiments yet`);
  const name =
    options.name ||
    ['tracegate', git.pr ? `pr-${git.pr}` : git.branch, git.commit?.slice(0, 7)].filter(Boolean).join(' ');
  const metadata = {
    git_commit: git.commit ?? null,
    git_branch: git.branch ?? null,
    pr_number: git.pr ?? null,
    base_branch: git.baseBranch,
    tracegate: { fingerprint: options.fingerprint },
  };
  const experiment = init({
    state: c.state,
    project: options.project,
    experiment: name,
    metadata,
    repoInfo: { commit: git.commit, branch: git.branch },
    setCurrent: false,
  } as never) as unknown as ExperimentHandle;
  let id: string;
  let registeredName: string;
  try {
    id = await experiment.id;
    registeredName = await experiment.name;
  } catch (error) {
    throw c.transport.explain(`creating experiment "${name}"`, error, c.settings.apiUrl);
  }
  const outputs = new Map<string, unknown>();
  return {
    baseline,
    wrapTask(task) {
      return {
        spec: task.spec,
        close: () => task.close(),
        async run(input, testCase, context): Promise<TaskResult> {
          const result = await task.run(input, testCase, context);
          outputs.set(testCase.id, result.output);
          return result;
        },
      };
    },
    async finish(resultsPath, datasetFiles) {
      const rows = new Map<string, RegressionCase>();
      for await (const loaded of readCases(datasetFiles, options.cwd)) rows.set(loaded.case.id, loaded.case);
      const results = JSON.parse(await readFile(resultsPath, 'utf8')) as { cases: CaseResult[] };
      for (const r of results.cases) {
        const row = rows.get(r.id);
        experiment.log({
          id: r.id,
          input: row?.input ?? null,
          output: outputs.has(r.id) ? (outputs.get(r.id) ?? null) : null,
          expected: row?.expected,
          scores: r.scores,
          metadata: {
            ...(row?.metadata ?? {}),
            tracegate: {
              case_id: r.id,
              failure_mode: r.failure_mode,
              passed: r.passed,
              status: r.status,
              hash: r.hash,
              dataset: r.dataset,
              line: r.line,
              error: r.error,
              reasons: r.reasons,
              vs_baseline: r.vs_baseline,
            },
          },
          tags: row?.tags,
        });
      }
      await flushOrFail(c, `logging ${results.cases.length} case(s) to experiment "${registeredName}"`, () =>
        experiment.flush(),
      );
      return {
        project: options.project,
        name: registeredName,
        id,
        url: experimentUrl(c.settings.appUrl, c.orgName, options.project, registeredName),
      };
    },
  };
}

/** Add the experiment link to a written results.json without rewriting its streamed cases. */
export async function addLinkToResultsFile(file: string, link: ExperimentLink): Promise<string> {
  const text = await readFile(file, 'utf8');
  const end = text.lastIndexOf('}');
  if (end < 0) throw new UsageError(`${file} is not a results.json`);
  return `${text.slice(0, end)},"braintrust_experiment":${JSON.stringify(link)}${text.slice(end)}`;
}

export type { Results };
