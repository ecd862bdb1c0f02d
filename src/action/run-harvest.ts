import * as core from '@actions/core';
import type { ActionSettings } from './inputs.js';
import type { ActionOutcome } from './run-action.js';

/**
 * `mode: harvest` (a scheduled workflow): score recorded production traces, queue the failures, apply the
 * promotion policy, and open or update the one `tracegate/harvest` pull request with the verified new
 * rows. The token needs `contents: write` and `pull-requests: write`. The step fails only when nothing
 * could be scored (a broken schedule must be noticed) or on bad input; held, refused and duplicate items
 * are listed in the log and the job summary.
 */
export async function runHarvestAction(settings: ActionSettings): Promise<ActionOutcome> {
  const { loadConfig } = await import('../config/load-config.js');
  const { harvest } = await import('../review/harvest.js');
  const { renderHarvest } = await import('../review/harvest-text.js');
  const cwd = settings.workingDirectory;
  const { config, dir } = await loadConfig(cwd, settings.config);
  if (settings.braintrustApiKey) process.env.BRAINTRUST_API_KEY = settings.braintrustApiKey;
  const from = settings.harvest.from ?? `braintrust:${settings.braintrustProject}`;
  core.info(`tracegate: harvesting production failures from ${from}`);
  const outcome = await harvest({
    from,
    braintrust: { since: settings.harvest.since, onRetry: (m) => core.info(`braintrust: ${m}`) },
    config,
    cwd,
    configDir: dir,
    reviewDir: '.tracegate/review',
    policy: { minOccurrences: settings.harvest.minOccurrences, distinctBy: settings.harvest.distinctBy },
    github: {
      token: settings.githubToken ?? '',
      repository: process.env.GITHUB_REPOSITORY ?? '',
      apiUrl: process.env.GITHUB_API_URL,
    },
  });
  const lines = renderHarvest(outcome);
  for (const line of lines) core.info(line);
  await core.summary
    .addHeading('tracegate harvest', 2)
    .addCodeBlock(lines.join('\n'))
    .write()
    .catch((error: Error) => core.warning(`Could not write the job summary: ${error.message}`));
  if (outcome.scored.stats.scored === 0)
    return {
      passed: false,
      failureMessage: `tracegate harvest: no trace was scored from ${from}: nothing was checked.`,
    };
  return { passed: true, failureMessage: '' };
}
