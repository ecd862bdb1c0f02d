import { existsSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { createProgress } from '../run/progress.js';
import type { Results } from '../run/results.js';
import { renderMarkdownReport } from '../report/markdown.js';
import { codeSpan, escapeMarkdown } from '../report/escape.js';
import { formatPercent } from '../report/format.js';
import { getSettings, secretValues, type ActionSettings } from './inputs.js';
import { ActionLog } from './log.js';
import { checkUntrustedCode, fileScorersOf, type ConfigPeek } from './untrusted.js';
import { headMismatch } from './verify-head.js';
import { createRedactor, secretsFromEnvironment } from '../util/redact.js';
import { readFileSync } from 'node:fs';
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
import type { MarkdownOptions } from '../report/markdown.js';
import {
  createCommentApi,
  findComment,
  GitHubWriteError,
  upsertComment,
  type CommentApi,
} from './github-comment.js';
import { planAnnotations, VERDICT_ERROR_SLOTS } from './annotations.js';
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
  const log = new ActionLog(createRedactor([...secretValues(settings), ...secretsFromEnvironment()]));
  const event = describeEvent(readEventContext(), settings.prNumber);
  const mode = settings.merge.length ? 'merge' : 'eval';
  log.info(
    `tracegate: ${mode === 'merge' ? `merging ${settings.merge.join(', ')}` : 'evaluating'} on ${event.name || 'a local run'}` +
      `${event.prNumber ? ` for pull request #${event.prNumber}` : ''}${event.fork ? ' (from a fork)' : ''}`,
  );
  const peek =
    event.name === 'pull_request_target' && event.fork && mode === 'eval'
      ? await peekConfig(settings)
      : { fileScorers: [] };
  const untrusted = checkUntrustedCode(event, settings, mode, peek);
  if (!untrusted.run) throw new Error(untrusted.reason);
  if (untrusted.warning) log.warning(untrusted.warning);
  const notes: string[] = [];
  const comment = new PrComment(settings, event, notes, log);
  if (event.fork && event.name === 'pull_request') {
    log.info(
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
        ? await core.group('Merge shard results', () => mergeShards(settings, log))
        : await core.group('Evaluate', () => runEvaluation(settings, notes, log));
  } catch (error) {
    // Never leave a "running…" comment behind: say the run could not finish, then fail the step.
    await core.group('PR comment', () => comment.publishError(error as Error));
    throw error;
  }
  const { results, paths } = outcome;

  await core.group('Annotations', async () => {
    annotate(results, settings.workingDirectory, log);
    noteSkipped(results, settings, event, notes, log);
  });
  const rendering = renderingFor(event, settings.workingDirectory);
  await core.group('PR comment', () => comment.publish(results, rendering));
  for (const [name, value] of Object.entries(actionOutputs(results, paths, comment.url)))
    core.setOutput(name, value);
  await writeSummary(results, rendering, paths, notes, log);
  log.info(results.passed ? 'tracegate: gate passed.' : 'tracegate: gate failed.');
  return { passed: results.passed, failureMessage: log.clean(failureMessage(results)) };
}

/**
 * How the comment and the summary link things: the run, the commit under test, and each dataset line to
 * the file at that commit (paths relative to the repository root).
 */
function renderingFor(event: EventInfo, cwd: string): MarkdownOptions {
  const server = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
  const sha = event.headSha && /^[0-9a-f]{40}$/i.test(event.headSha) ? event.headSha : undefined;
  const repoUrl = event.owner && event.repo ? `${server}/${event.owner}/${event.repo}` : undefined;
  return {
    detailsUrl: event.runUrl,
    commit: sha,
    datasetLink:
      sha && repoUrl
        ? (dataset, line) => `${repoUrl}/blob/${sha}/${encodeURI(toRepoPath(cwd, dataset))}#L${line}`
        : undefined,
  };
}

/** A dataset path (relative to the working directory) as a path from the repository root. */
function toRepoPath(cwd: string, dataset: string): string {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  return path.relative(workspace, path.resolve(cwd, dataset)).split(path.sep).join('/');
}

/**
 * What the untrusted-code check needs from the config, read as data: a JSON or YAML file is parsed (not
 * validated: the evaluation does that); a code config is never imported here.
 */
async function peekConfig(settings: ActionSettings): Promise<ConfigPeek> {
  const cwd = settings.workingDirectory;
  const { findConfigFile } = await import('../config/load-config.js');
  const file = settings.config ? path.resolve(cwd, settings.config) : findConfigFile(cwd);
  if (!file || !existsSync(file) || !/\.(?:json|ya?ml)$/i.test(file)) return { file, fileScorers: [] };
  try {
    const text = readFileSync(file, 'utf8');
    // The bundle sees 'yaml' as CommonJS: its functions may sit on the namespace's default export.
    const yaml = /\.json$/i.test(file) ? undefined : await import('yaml');
    const parseYaml = yaml && (yaml.parse ?? (yaml as unknown as { default: typeof yaml }).default.parse);
    const raw = (parseYaml ? parseYaml(text) : JSON.parse(text)) as { task?: unknown } | null;
    return {
      file,
      task: typeof raw?.task === 'string' ? raw.task : undefined,
      fileScorers: fileScorersOf(raw),
    };
  } catch (error) {
    // Fail closed: a config that cannot be checked is not assumed to run nothing.
    return { file, fileScorers: [], unreadable: (error as Error).message };
  }
}

async function runEvaluation(settings: ActionSettings, notes: string[], log: ActionLog) {
  const cwd = settings.workingDirectory;
  let baseline = settings.baseline;
  if (baseline && !existsSync(path.resolve(cwd, baseline))) {
    const note = `No baseline at ${baseline}: regressions are not checked this time (verdicts come from thresholds only). On the first run, before main has saved one, this is expected.`;
    log.warning(note);
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
    secrets: secretValues(settings),
    braintrustExperiment: settings.braintrustExperiment,
    onNote: (m) => log.info(`braintrust: ${m}`),
    progress: (total) => {
      log.info(`Running ${total} case${total === 1 ? '' : 's'}…`);
      return createProgress(total, process.stdout as NodeJS.WriteStream, 10_000);
    },
  });
  // From here on, the secrets the config names are known too.
  log.setRedactor(outcome.redact);
  logSummary(outcome.results, log);
  return outcome;
}

async function mergeShards(settings: ActionSettings, log: ActionLog) {
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
  logSummary(outcome.results, log);
  return outcome;
}

function logSummary(results: Results, log: ActionLog) {
  for (const [mode, m] of Object.entries(results.failure_modes)) {
    log.info(
      `${m.verdict.padEnd(7)} ${mode}: ${m.passed}/${m.cases - m.skipped} passed (${formatPercent(m.pass_rate)}, threshold ${formatPercent(m.threshold)})${m.regressions ? `, ${m.regressions} regressed` : ''}`,
    );
  }
}

/** Annotate failing cases at their dataset line; paths are relative to the repository root. */
function annotate(results: Results, cwd: string, log: ActionLog) {
  const plan = planAnnotations(results, (dataset) => toRepoPath(cwd, dataset));
  for (const a of plan.annotations) {
    const properties = { file: a.file, startLine: a.line, title: a.title };
    if (a.level === 'error') log.error(a.message, properties);
    else log.warning(a.message, properties);
  }
  if (plan.moreErrors > 0) {
    log.notice(
      `${plan.moreErrors} more failing case${plan.moreErrors === 1 ? ' is' : 's are'} not annotated (GitHub shows at most 10 error annotations per step, and ${VERDICT_ERROR_SLOTS} is kept for the verdict); the job summary and report.md list them.`,
    );
  }
  if (plan.moreWarnings > 0)
    log.info(`${plan.moreWarnings} more tolerated failing case(s) are listed in the report.`);
}

/** Say when cases were skipped for want of a judge key, so "skipped" is never read as "passed". */
function noteSkipped(
  results: Results,
  settings: ActionSettings,
  event: EventInfo,
  notes: string[],
  log: ActionLog,
) {
  const skipped = Object.values(results.failure_modes).reduce((n, m) => n + m.skipped, 0);
  if (skipped === 0) return;
  const why = settings.judgeApiKey
    ? ''
    : ' No judge-api-key was given' +
      (event.fork && event.name === 'pull_request'
        ? ' (secrets are absent on pull requests from forks)'
        : '') +
      '.';
  const note = `${skipped} case${skipped === 1 ? ' was' : 's were'} skipped, not passed: no scorer could run on ${skipped === 1 ? 'it' : 'them'}.${why} See ${FORK_RECIPE}.`;
  log.warning(note);
  notes.push(note);
}

async function writeSummary(
  results: Results,
  rendering: MarkdownOptions,
  paths: { results: string; report: string },
  notes: string[],
  log: ActionLog,
) {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.info('GITHUB_STEP_SUMMARY is not set: no job summary written.');
    return;
  }
  const report = renderMarkdownReport(results, { ...rendering, maxChars: SUMMARY_REPORT_CHARS });
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const rel = (p: string) => path.relative(workspace, p).split(path.sep).join('/') || p;
  const tail = [
    '',
    ...notes.map((n) => `> ⚠️ ${escapeMarkdown(n, 2000)}`),
    notes.length ? '' : undefined,
    `<sub>results: ${codeSpan(rel(paths.results), 200)} · report: ${codeSpan(rel(paths.report), 200)}</sub>`,
    '',
  ].filter((l) => l !== undefined);
  // The one write of the summary: redacted here, as the runner does not mask the summary.
  await core.summary.addRaw(log.redact(report + tail.join('\n'))).write();
}

/**
 * The sticky PR comment: found by its marker among the token's own comments, marked "running…" first
 * (an existing comment keeps its last verdict under a re-running banner), then filled in. On
 * `workflow_run` (the fork recipe, whose PR number and results come from an artifact a fork controls)
 * nothing is written unless the PR's head commit and repository are the triggering run's. Any failure to
 * write is a warning, once, with the fork recipe when it is a permission problem. Every body is redacted
 * at its one write point.
 */
class PrComment {
  private api?: CommentApi;
  private existing?: CommentLike | null;
  private disabled = false;
  readonly marker: string;
  /** The comment's address once it was written or found. */
  url?: string;

  constructor(
    private readonly settings: ActionSettings,
    private readonly event: EventInfo,
    private readonly notes: string[],
    private readonly log: ActionLog,
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
    if (this.api) return this.api;
    const api = await createCommentApi(this.settings.githubToken, {
      owner: this.event.owner,
      repo: this.event.repo,
      number: this.event.prNumber,
    });
    if (this.event.name === 'workflow_run') {
      let mismatch: string | undefined;
      try {
        mismatch = headMismatch(this.event, await api.pullHead());
      } catch (error) {
        mismatch = `the pull request could not be read (${(error as Error).message})`;
      }
      if (mismatch) {
        return this.disable(
          `Not commenting on pull request #${this.event.prNumber}: ${mismatch}. On workflow_run the PR number and results come from an artifact a fork controls, so the comment is written only when the PR's head matches the run that produced them.`,
          true,
        );
      }
      this.log.info(
        `Pull request #${this.event.prNumber} is at ${this.event.headSha?.slice(0, 7)}, the commit the triggering run tested.`,
      );
    }
    this.api = api;
    return api;
  }

  private disable(message: string, warn = false): undefined {
    this.disabled = true;
    if (warn) {
      this.log.warning(message);
      this.notes.push(message);
    } else this.log.info(message);
    return undefined;
  }

  private write(id: number | undefined, body: string): Promise<CommentLike | void> {
    const api = this.api!;
    const clean = this.log.redact(body);
    return id === undefined ? api.create(clean) : api.update(id, clean);
  }

  private urlOf(id: number): string {
    const server = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
    return `${server}/${this.event.owner}/${this.event.repo}/pull/${this.event.prNumber}#issuecomment-${id}`;
  }

  /** Post "running…", or mark our existing comment as re-running while keeping its last verdict readable. */
  async announceRunning(): Promise<void> {
    if (this.settings.comment !== 'always') return; // on-failure: only the verdict decides whether to post
    const api = await this.client();
    if (!api) return;
    await this.attempt(async () => {
      const found = await findComment(api, this.marker);
      const body = runningCommentBody(this.marker, this.event.runUrl, found?.body, this.event.headSha);
      if (found) {
        await this.write(found.id, body);
        this.existing = { id: found.id, body };
        this.log.info(`Marked the comment ${found.id} as re-running; it is updated when the results are in.`);
        return;
      }
      const created = (await this.write(undefined, body)) as CommentLike;
      this.existing = { id: created.id, body };
      this.log.info(`Posted the "running…" comment ${created.id}.`);
    });
  }

  /** Write the results into the comment (or create it), unless it already shows them. */
  async publish(results: Results, rendering: MarkdownOptions): Promise<void> {
    const api = await this.client();
    if (!api) return;
    const report = renderMarkdownReport(results, rendering);
    const body = this.log.redact(buildCommentBody(report, this.marker, reportDigest(results)));
    const create = this.settings.comment === 'always' || !results.passed;
    await this.attempt(async () => {
      const outcome = await upsertComment(api, this.marker, body, { create, existing: this.existing });
      const { plan } = outcome;
      if (outcome.id !== undefined) this.url = this.urlOf(outcome.id);
      if (plan.action === 'skip') this.log.info(`PR comment unchanged: ${plan.reason}.`);
      else this.log.info(`PR comment ${plan.action === 'create' ? 'created' : 'updated'}: ${outcome.id}.`);
    });
  }

  /** Replace our "running…" comment with the error; other comments (earlier results) are left as they are. */
  async publishError(error: Error): Promise<void> {
    if (!this.existing || digestOf(this.existing.body) !== 'running') return;
    const api = await this.client();
    if (!api) return;
    const existing = this.existing;
    await this.attempt(async () => {
      await this.write(
        existing.id,
        errorCommentBody(this.marker, error.message, this.event.runUrl, existing.body),
      );
      this.url = this.urlOf(existing.id);
      this.log.info(`PR comment ${existing.id}: the run could not finish.`);
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
