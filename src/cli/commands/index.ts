import type { Command } from 'commander';
import { registerPromoteCommand } from './promote-command.js';
import { registerClusterCommand } from './cluster-command.js';
import { registerCalibrateCommand } from './calibrate-command.js';

/** Shared between the CLI entry and its commands: the exit code a command wants. */
export interface CliState {
  exitCode: number;
}

/**
 * Commands beyond eval and merge register here, one module each (promote, cluster, …), so adding a
 * command never touches main.ts.
 */
export function registerExtraCommands(program: Command, state: CliState): void {
  registerPromoteCommand(program, state);
  registerClusterCommand(program, state);
  registerCalibrateCommand(program, state);
}
