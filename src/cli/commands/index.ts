import type { Command } from 'commander';
import { registerPromoteCommand } from './promote-command.js';
import { registerClusterCommand } from './cluster-command.js';
import { registerCalibrateCommand } from './calibrate-command.js';
import { registerPushCommand } from './push-command.js';
import { registerPullCommand } from './pull-command.js';
import { registerScoreCommand } from './score-command.js';
import { registerReviewCommand } from './review-command.js';
import { registerHarvestCommand } from './harvest-command.js';
import { registerInitCommand } from './init-command.js';

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
  registerPushCommand(program, state);
  registerPullCommand(program, state);
  registerScoreCommand(program, state);
  registerReviewCommand(program, state);
  registerHarvestCommand(program, state);
  registerInitCommand(program, state);
}
