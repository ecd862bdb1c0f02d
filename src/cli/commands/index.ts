import type { Command } from 'commander';

/** Shared between the CLI entry and its commands: the exit code a command wants. */
export interface CliState {
  exitCode: number;
}

/**
 * Commands beyond eval and merge register here, one module each (promote, cluster, …), so adding a
 * command never touches main.ts.
 */
export function registerExtraCommands(_program: Command, _state: CliState): void {}
