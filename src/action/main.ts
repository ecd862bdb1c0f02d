import * as core from '@actions/core';
import { runAction } from './run-action.js';

/**
 * The action's entry: the one place that decides the step's status. A failed gate and any error (bad
 * input, bad config, a task that cannot start) fail the step through `core.setFailed`; nothing else does.
 */
export async function run(): Promise<void> {
  try {
    const outcome = await runAction();
    if (!outcome.passed) core.setFailed(outcome.failureMessage);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
