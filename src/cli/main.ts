import { Command, CommanderError } from 'commander';
import { environmentError, UsageError } from '../errors.js';
import { registerEvalCommand } from './commands/eval-command.js';
import { registerMergeCommand } from './commands/merge-command.js';
import { registerExtraCommands } from './commands/index.js';
import { neutraliseLines } from '../util/neutralise.js';
import { createRedactor, secretsFromEnvironment } from '../util/redact.js';

/**
 * Run the tracegate CLI and return its exit code: 0 gate passed, 1 gate failed, 2 bad usage, config,
 * dataset or task spec. Only bin/tracegate.js turns this into process.exit.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('tracegate')
    .description('Turn diagnosed production LLM failures into regression tests that gate every pull request.')
    .version(await readVersion())
    .showHelpAfterError()
    .exitOverride();
  const state = { exitCode: 0 };
  registerEvalCommand(program, state);
  registerMergeCommand(program, state);
  registerExtraCommands(program, state);
  try {
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    // A file-system error anywhere (a read-only or full disk, a missing directory, a file too big for one
    // string) is the environment, not a bug: exit 2 with the path and the fix, not a stack trace.
    const translated = error instanceof UsageError ? error : environmentError(error, 'use', errorPath(error));
    if (translated instanceof UsageError) {
      // The message may quote a dataset, a task's error or a server's reply: no key, escape or workflow command.
      const redact = createRedactor(secretsFromEnvironment());
      process.stderr.write(`tracegate: ${neutraliseLines(redact(translated.message))}\n`);
      return 2;
    }
    throw error;
  }
}

/** The path a Node.js file-system error names, if any. */
function errorPath(error: unknown): string {
  const file = (error as NodeJS.ErrnoException | undefined)?.path;
  return typeof file === 'string' ? file : '(a file)';
}

async function readVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
