import { existsSync, readFileSync } from 'node:fs';

/** What the action needs to know about the event that triggered it. Pure: built from the payload. */
export interface EventInfo {
  name: string;
  owner: string;
  repo: string;
  /** The pull request to comment on, if any. */
  prNumber?: number;
  /** A pull request from a fork: the token is read-only and secrets are absent. */
  fork: boolean;
  /** Link to this workflow run, when the runner says where it is. */
  runUrl?: string;
  /**
   * `pull_request_target` (and `workflow_run`) run in the base repository's context: secrets are present
   * and the token can write. Running a fork's code there hands it both.
   */
  privileged: boolean;
  /**
   * The commit under test: the PR's head sha on pull_request events, the triggering run's head sha on
   * workflow_run, else GITHUB_SHA.
   */
  headSha?: string;
  /** The repository the head commit comes from (`owner/name`): a fork's for fork PRs. */
  headRepo?: string;
}

/** The subset of `@actions/github`'s context that `describeEvent` reads. */
export interface EventContext {
  eventName: string;
  payload: Record<string, any>;
  repo: { owner: string; repo: string };
  serverUrl: string;
  runId: number;
  /** GITHUB_SHA. */
  sha?: string;
}

/** Events whose payload names a pull request the action comments on. */
const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

/**
 * Describe the event: which PR (if any) gets the comment, and whether it comes from a fork. `push`,
 * `merge_group`, `workflow_dispatch` and `schedule` get no comment; `workflow_run` comments on the PR the
 * triggering run was for (same-repo PRs only: GitHub leaves `pull_requests` empty for forks, so the fork
 * recipe passes `pr-number` explicitly, which always wins).
 */
export function describeEvent(ctx: EventContext, prNumberInput?: number): EventInfo {
  const p = ctx.payload ?? {};
  let prNumber: number | undefined;
  let fork = false;
  let headSha: string | undefined = ctx.sha || undefined;
  let headRepo: string | undefined;
  if (PR_EVENTS.has(ctx.eventName) && p.pull_request) {
    prNumber = Number(p.pull_request.number);
    const head = p.pull_request.head?.repo?.full_name;
    const base = p.pull_request.base?.repo?.full_name ?? p.repository?.full_name;
    fork = Boolean(p.pull_request.head?.repo?.fork) || (Boolean(head) && Boolean(base) && head !== base);
    headSha = stringOr(p.pull_request.head?.sha, headSha);
    headRepo = stringOr(head, undefined);
  } else if (ctx.eventName === 'workflow_run') {
    const run = p.workflow_run ?? {};
    const pr = run.pull_requests?.[0];
    if (pr?.number) prNumber = Number(pr.number);
    headSha = stringOr(run.head_sha, undefined);
    headRepo = stringOr(run.head_repository?.full_name, undefined);
    const base = stringOr(run.repository?.full_name, `${ctx.repo.owner}/${ctx.repo.repo}`);
    fork = Boolean(headRepo) && headRepo !== base;
  } else if (ctx.eventName === 'issue_comment' && p.issue?.pull_request) {
    prNumber = Number(p.issue.number);
  }
  if (prNumberInput) prNumber = prNumberInput;
  const runUrl = ctx.runId
    ? `${ctx.serverUrl.replace(/\/$/, '')}/${ctx.repo.owner}/${ctx.repo.repo}/actions/runs/${ctx.runId}`
    : undefined;
  return {
    name: ctx.eventName,
    owner: ctx.repo.owner,
    repo: ctx.repo.repo,
    prNumber: prNumber || undefined,
    fork,
    runUrl,
    privileged: ctx.eventName === 'pull_request_target' || ctx.eventName === 'workflow_run',
    headSha,
    headRepo,
  };
}

function stringOr<T extends string | undefined>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' && value ? value : fallback;
}

/**
 * The event context from the runner's environment, as `@actions/github`'s `context` reads it, without
 * loading Octokit: GITHUB_EVENT_NAME, the payload at GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_RUN_ID.
 */
export function readEventContext(env: NodeJS.ProcessEnv = process.env): EventContext {
  let payload: Record<string, any> = {};
  const file = env.GITHUB_EVENT_PATH;
  if (file && existsSync(file)) {
    try {
      payload = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
    } catch (error) {
      throw new Error(`GITHUB_EVENT_PATH ${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? '').split('/');
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    repo: { owner, repo },
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    runId: Number(env.GITHUB_RUN_ID) || 0,
    sha: env.GITHUB_SHA,
  };
}
