import * as core from '@actions/core';
import { runAction } from './run-action.js';
import { neutraliseLines } from '../util/neutralise.js';
import { createRedactor, secretsFromEnvironment } from '../util/redact.js';

/**
 * The action's entry: the one place that decides the step's status. A failed gate and any error (bad
 * input, bad config, a task that cannot start) fail the step through `core.setFailed`; nothing else does.
 */
export async function run(): Promise<void> {
  try {
    const outcome = await runAction();
    if (!outcome.passed) core.setFailed(outcome.failureMessage);
  } catch (error) {
    // The message may quote a config, a task's error or a server's reply: no key, escape or command.
    const redact = createRedactor(secretsFromEnvironment());
    core.setFailed(neutraliseLines(redact(error instanceof Error ? error.message : String(error))));
  }
}
