import { createInterface } from 'node:readline/promises';
import { UsageError } from '../errors.js';
import type { Readable, Writable } from 'node:stream';
import type { DetectedProject } from './detect-project.js';
import type { InitAnswers } from './scaffold.js';
import { defaultTask } from './task-templates.js';
import { checkTaskSpec } from './task-spec.js';

/** Where the questions go and the answers come from (a TTY for people; streams in tests). */
export interface PromptIO {
  input: Readable;
  output: Writable;
}

/**
 * Ask how to call the app and whether to write the workflow, offering what was detected as the default
 * (Enter accepts it). A typed answer that cannot work is asked again with the reason, so what init
 * writes always lets `tracegate eval` run.
 */
export async function askAnswers(project: DetectedProject, cwd: string, io: PromptIO): Promise<InitAnswers> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  const say = (text: string) => io.output.write(text);
  // Lines are read through one iterator: question() on a piped stream would lose lines that arrived early.
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    say(question);
    const next = await lines.next();
    if (next.done)
      throw new UsageError(
        'init cancelled: the input ended before every question was answered; nothing was written',
      );
    return next.value.trim();
  };
  try {
    const adapter = defaultTask(project);
    say(`Detected: ${project.evidence}.\n`);
    say('How should tracegate call your app for each dataset row?\n');
    say(
      `  1) ${adapter.spec}   (writes ${adapter.adapter?.path}: wire it to your app; until then it replays)\n`,
    );
    say('  2) cmd:<command>   a long-lived process speaking JSON lines on stdio\n');
    say('  3) http(s)://…     POST {input, case} to a server you run\n');
    say('  4) replay          no call: score the outputs production recorded\n');
    let task: InitAnswers['task'] | undefined;
    while (!task) {
      const choice = (await ask('Choose 1-4 [1]: ')) || '1';
      if (choice === '1') task = adapter;
      else if (choice === '4') task = { spec: 'replay' };
      else if (choice === '2' || choice === '3') {
        const raw =
          choice === '2'
            ? await ask('Command that starts your app (e.g. python3 serve_tracegate.py): ')
            : await ask('URL tracegate should POST to (e.g. http://localhost:3000/tracegate): ');
        const spec = choice === '2' && raw && !raw.startsWith('cmd:') ? `cmd:${raw}` : raw;
        const problem = checkTaskSpec(spec, cwd);
        if (problem) say(`  ${problem}\n`);
        else task = { spec };
      } else say('  Answer 1, 2, 3 or 4.\n');
    }
    const workflow = !/^n/i.test(await ask('Write .github/workflows/tracegate.yml (the PR gate)? [Y/n]: '));
    return { task, workflow };
  } finally {
    rl.close();
  }
}
