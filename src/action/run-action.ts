import { existsSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { createProgress } from '../run/progress.js';
import type { Results } from '../run/results.js';
import { renderMarkdownReport } from '../report/markdown.js';
import { getSettings, secretValues, type ActionSettings } from './inputs.js';
import { describeEvent, readEventContext, type EventInfo } from './event.js';
import {
  buildCommentBody,
  commentMarker,
  digestOf,
  errorCommentBody,
  reportDigest,
  runningCommentBody,
  type CommentLike,
} from './comment.js';
import {
  createCommentApi,
  findComment,
  GitHubWriteError,
  upsertComment,
  type CommentApi,
} from './github-comment.js';
import { planAnnotations } from './annotations.js';
import { actionOutputs, failureMessage } from './outputs.js';

/** Where the README explains how to get the comment on pull requests from forks. */
export const FORK_RECIPE = "the tracegate README, section 'Pull requests from forks'";

/** How the run ended, for `run()` to turn into the step's status. */
export interface ActionOutcome {
  passed: boolean;
  failureMessage: string;
}

/** The job summary may hold 1 MiB; leave room for the notes under the report. */
const SUMMARY_REPORT_CHARS = 900_000;

/**
 * The action, phase by phase: inputs → "running…" comment → evaluate (or merge shard results) → outputs,
 * annotations → PR comment → job summary. Problems writing to GitHub become warnings (the gate's verdict
 * is the step's status, never a comment permission); bad inputs and bad configs throw.
 */
export async function runAction(): Promise<ActionOutcome> {
  const settings = getSettings();
  for (const secret of secretValues(settings)) core.setSecret(secret);
  if (settings.mode === 'harvest') return (await import('./run-harvest.js')).runHarvestAction(settings);
  const event = describeEvent(readEventContext(), settings.prNumber);
  const mode = settings.merge.length ? 'merge' : 'eval';
  core.info(
    `tracegate: ${mode === 'merge' ? `merging ${settings.merge.join(', ')}` : 'evaluating'} on ${event.name || 'a local run'}` +
      `${event.prNumber ? ` for pull request #${event.prNumber}` : ''}${event.fork ? ' (from a fork)' : ''}`,
  );
  const notes: string[] = [];
  const comment = new PrComment(settings, event, notes);
  if (event.fork) {
    core.info(
      'Pull request from a fork: GITHUB_TOKEN is read-only and secrets are absent; judge scorers without a key are reported as skipped.',
    );
  }
  if (mode === 'eval' && event.prNumber && settings.comment === 'always') {
    await core.group('PR comment: running…', () => comment.announceRunning());
  }

  let outcome: Awaited<ReturnType<typeof runEvaluation>> | Awaited<ReturnType<typeof mergeShards>>;
  try {
    outcome =
      mode === 'merge'
        ? await core.group('Merge shard results', () => mergeShards(settings))
        : await core.group('Evaluate', () => runEvaluation(settings, notes));
  } catch (error) {
    // Never leave a "running…" comment behind: say the run could not finish, then fail the step.
    await core.group('PR comment', () => comment.publishError(error as Error));
    throw error;
  }
  const { results, paths } = outcome;

  await core.group('Outputs and annotations', async () => {
    for (const [name, value] of Object.entries(actionOutputs(results, paths))) core.setOutput(name, value);
    annotate(results, settings.workingDirectory);
    noteSkipped(results, settings, event, notes);
  });
  await core.group('PR comment', () => comment.publish(results));
  await writeSummary(results, event, paths, notes);
  core.info(results.passed ? 'tracegate: gate passed.' : 'tracegate: gate failed.');
  return { passed: results.passed, failureMessage: failureMessage(results) };
}

async function runEvaluation(settings: ActionSettings, notes: string[]) {
  const cwd = settings.workingDirectory;
  let baseline = settings.baseline;
  if (baseline && !existsSync(path.resolve(cwd, baseline))) {
    const note = `No baseline at ${baseline}: regressions are not checked this time (verdicts come from thresholds only). On the first run, before main has saved one, this is expected.`;
    core.warning(note);
    notes.push(note);
    baseline = undefined;
  }
  // The engine (config, datasets, tasks, scorers) loads only now, after the first log lines.
  const { evaluate } = await import('../evaluate.js');
  if (settings.braintrustApiKey) process.env.BRAINTRUST_API_KEY = settings.braintrustApiKey;
  if (settings.braintrustProject) process.env.BRAINTRUST_PROJECT = settings.braintrustProject;
  const outcome = await evaluate({
    cwd,
    config: settings.config,
    task: settings.task,
    datasets: settings.datasets,
    baseline,
    out: settings.out,
    trials: settings.trials,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    shard: settings.shard,
    filters: settings.filters,
    failOn: settings.failOn,
    onSkipped: settings.onSkipped,
    allowEmpty: settings.allowEmpty,
    originUrlTemplate: settings.originUrlTemplate,
    judge: { apiKey: settings.judgeApiKey, baseUrl: settings.judgeBaseUrl },
    braintrustExperiment: settings.braintrustExperiment,
    onNote: (m) => core.info(`braintrust: ${m}`),
    progress: (total) => {
      core.info(`Running ${total} case${total === 1 ? '' : 's'}…`);
      return createProgress(total, process.stdout as NodeJS.WriteStream, 10_000);
    },
  });
  logSummary(outcome.results);
  return outcome;
}

async function mergeShards(settings: ActionSettings) {
  const cwd = settings.workingDirectory;
  // Merging runs no task and no scorer: only the config (for the gate's rules) and the merge code load.
  const { mergeResultFiles } = await import('../output/merge-files.js');
  const outcome = await mergeResultFiles(settings.merge, {
    cwd,
    out: settings.out ?? '.tracegate',
    config: settings.config,
    failOn: settings.failOn,
    onSkipped: settings.onSkipped,
    allowEmpty: settings.allowEmpty,
  });
  logSummary(outcome.results);
  return outcome;
}

function logSummary(results: Results) {
  for (const [mode, m] of Object.entries(results.failure_modes)) {
    const rate = m.pass_rate === null ? '—' : `${(m.pass_rate * 100).toFixed(1)}%`;
    core.info(
      `${m.verdict.padEnd(7)} ${mode}: ${m.passed}/${m.cases - m.skipped} passed (${rate}, threshold ${(m.threshold * 100).toFixed(0)}%)${m.regressions ? `, ${m.regressions} regressed` : ''}`,
    );
  }
}

/** Annotate failing cases at their dataset line; paths are relative to the repository root. */
function annotate(results: Results, cwd: string) {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const toRepoPath = (dataset: string) =>
    path.relative(workspace, path.resolve(cwd, dataset)).split(path.sep).join('/');
  const plan = planAnnotations(results, toRepoPath);
  for (const a of plan.annotations) {
    const properties = { file: a.file, startLine: a.line, title: a.title };
    if (a.level === 'error') core.error(a.message, properties);
    else core.warning(a.message, properties);
  }
  if (plan.moreErrors > 0) {
    core.notice(
      `${plan.moreErrors} more failing case${plan.moreErrors === 1 ? ' is' : 's are'} not annotated (GitHub shows at most 10 error annotations per step); the job summary and report.md list them.`,
    );
  }
  if (plan.moreWarnings > 0)
    core.info(`${plan.moreWarnings} more tolerated failing case(s) are listed in the report.`);
}

/** Say when cases were skipped for want of a judge key, so "skipped" is never read as "passed". */
function noteSkipped(results: Results, settings: ActionSettings, event: EventInfo, notes: string[]) {
  const skipped = Object.values(results.failure_modes).reduce((n, m) => n + m.skipped, 0);
  if (skipped === 0) return;
  const why = settings.judgeApiKey
    ? ''
    : ' No judge-api-key was given' +
      (event.fork ? ' (secrets are absent on pull requests from forks)' : '') +
      '.';
  const note = `${skipped} case${skipped === 1 ? ' was' : 's were'} skipped, not passed: no scorer could run on ${skipped === 1 ? 'it' : 'them'}.${why} See ${FORK_RECIPE}.`;
  core.warning(note);
  notes.push(note);
}

async function writeSummary(
  results: Results,
  event: EventInfo,
  paths: { results: string; report: string },
  notes: string[],
) {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written.');
    return;
  }
  const report = renderMarkdownReport(results, { maxChars: SUMMARY_REPORT_CHARS, detailsUrl: event.runUrl });
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const rel = (p: string) => path.relative(workspace, p).split(path.sep).join('/') || p;
  const tail = [
    '',
    ...notes.map((n) => `> ⚠️ ${n}`),
    notes.length ? '' : undefined,
    `<sub>results: \`${rel(paths.results)}\` · report: \`${rel(paths.report)}\`</sub>`,
    '',
  ].filter((l) => l !== undefined);
  await core.summary.addRaw(report).addRaw(tail.join('\n')).write();
}

/**
 * The sticky PR comment: found by its marker among the token's own comments, posted as "running…" first
 * (only when there is none yet, so a re-run with the same results writes nothing), then filled in. Any
 * failure to write is a warning, once, with the fork recipe when it is a permission problem.
 */
class PrComment {
  private api?: CommentApi;
  private existing?: CommentLike | null;
  private disabled = false;
  readonly marker: string;

  constructor(
    private readonly settings: ActionSettings,
    private readonly event: EventInfo,
    private readonly notes: string[],
  ) {
    this.marker = commentMarker(settings.commentId);
  }

  private async client(): Promise<CommentApi | undefined> {
    if (this.disabled) return undefined;
    if (this.settings.comment === 'never') return this.disable('comment: never — no PR comment.');
    if (!this.event.prNumber) {
      return this.disable(
        `No pull request for event '${this.event.name || 'none'}': no PR comment (push and merge_group runs only gate and save results).`,
      );
    }
    if (!this.settings.githubToken) return this.disable('No github-token: no PR comment.', true);
    this.api ??= await createCommentApi(this.settings.githubToken, {
      owner: this.event.owner,
      repo: this.event.repo,
      number: this.event.prNumber,
    });
    return this.api;
  }

  private disable(message: string, warn = false): undefined {
    this.disabled = true;
    if (warn) {
      core.warning(message);
      this.notes.push(message);
    } else core.info(message);
    return undefined;
  }

  /** Post "running…" when this PR has no comment of ours yet. */
  async announceRunning(): Promise<void> {
    if (this.settings.comment !== 'always') return; // on-failure: only the verdict decides whether to post
    const api = await this.client();
    if (!api) return;
    await this.attempt(async () => {
      const found = await findComment(api, this.marker);
      if (found) {
        this.existing = found;
        core.info(`Found the comment ${found.id}; it is updated when the results are in.`);
        return;
      }
      const body = runningCommentBody(this.marker, this.event.runUrl);
      const created = await api.create(body);
      this.existing = { id: created.id, body };
      core.info(`Posted the "running…" comment ${created.id}.`);
    });
  }

  /** Write the results into the comment (or create it), unless it already shows them. */
  async publish(results: Results): Promise<void> {
    const api = await this.client();
    if (!api) return;
    const report = renderMarkdownReport(results, { detailsUrl: this.event.runUrl });
    const body = buildCommentBody(report, this.marker, reportDigest(results));
    const create = this.settings.comment === 'always' || !results.passed;
    await this.attempt(async () => {
      const outcome = await upsertComment(api, this.marker, body, { create, existing: this.existing });
      const { plan } = outcome;
      if (plan.action === 'skip') core.info(`PR comment unchanged: ${plan.reason}.`);
      else core.info(`PR comment ${plan.action === 'create' ? 'created' : 'updated'}: ${outcome.id}.`);
    });
  }

  /** Replace our "running…" comment with the error; other comments (earlier results) are left as they are. */
  async publishError(error: Error): Promise<void> {
    if (!this.existing || digestOf(this.existing.body) !== 'running') return;
    const api = await this.client();
    if (!api) return;
    const existing = this.existing;
    await this.attempt(async () => {
      await api.update(existing.id, errorCommentBody(this.marker, error.message, this.event.runUrl));
      core.info(`PR comment ${existing.id}: the run could not finish.`);
    });
  }

  private async attempt(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      const status = error instanceof GitHubWriteError ? error.status : undefined;
      const hint =
        status === 403 || status === 404
          ? this.event.fork
            ? ` On pull requests from forks GITHUB_TOKEN is read-only; the results are in the job summary. To comment on fork PRs, see ${FORK_RECIPE}.`
            : ` Give the job 'permissions: pull-requests: write' (see ${FORK_RECIPE} for pull requests from forks); the results are in the job summary.`
          : ' The results are in the job summary.';
      this.disable(`Could not write the PR comment: ${(error as Error).message}.${hint}`, true);
    }
  }
}
