import { findOwnComment, planComment, type CommentLike, type CommentPlan } from './comment.js';

/** The login GITHUB_TOKEN's comments are written as; `GET /user` is not allowed for that token. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** Where the comment lives. */
export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

/** The GitHub calls the comment needs; the only part of the action that talks to the issues API. */
export interface CommentApi {
  /** The token's own login. */
  login(): Promise<string>;
  /** Every comment on the issue, page by page (all pages, oldest first). */
  pages(): AsyncIterable<CommentLike[]>;
  create(body: string): Promise<CommentLike & { html_url?: string }>;
  update(id: number, body: string): Promise<void>;
  /** The pull request's head commit and the repository it comes from, as the API says now. */
  pullHead(): Promise<PullHead>;
}

/** A pull request's head as `GET /repos/{owner}/{repo}/pulls/{number}` reports it. */
export interface PullHead {
  sha?: string;
  /** `owner/name` of the head repository; null when the fork was deleted. */
  repo?: string | null;
}

/** A failed GitHub call, with the HTTP status when there was one. */
export class GitHubWriteError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GitHubWriteError';
  }
}

/**
 * An Octokit-backed CommentApi. `@actions/github` (Octokit, undici) is imported here, on first use, so runs
 * that never comment (push, merge_group, `comment: never`) never load it.
 */
export async function createCommentApi(
  token: string,
  issue: IssueRef,
  baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com',
): Promise<CommentApi> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token, { baseUrl });
  const where = { owner: issue.owner, repo: issue.repo, issue_number: issue.number };
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new GitHubWriteError(
        `${what} failed${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`,
        status,
      );
    }
  };
  return {
    async login() {
      try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return data.login;
      } catch {
        // GITHUB_TOKEN is an installation token: GET /user answers 403, and its comments are the bot's.
        return ACTIONS_BOT_LOGIN;
      }
    },
    async *pages() {
      const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { ...where, per_page: 100 });
      const iterator = pages[Symbol.asyncIterator]();
      for (;;) {
        const next = await call('Listing the PR comments', () => iterator.next());
        if (next.done) return;
        yield next.value.data as CommentLike[];
      }
    },
    async create(body) {
      const { data } = await call('Creating the PR comment', () =>
        octokit.rest.issues.createComment({ ...where, body }),
      );
      return data as CommentLike & { html_url?: string };
    },
    async pullHead() {
      const { data } = await call('Reading the pull request', () =>
        octokit.rest.pulls.get({ owner: issue.owner, repo: issue.repo, pull_number: issue.number }),
      );
      return { sha: data.head?.sha, repo: data.head?.repo?.full_name ?? null };
    },
    async update(id, body) {
      await call('Updating the PR comment', () =>
        octokit.rest.issues.updateComment({ owner: issue.owner, repo: issue.repo, comment_id: id, body }),
      );
    },
  };
}

/** Find this action's comment among all comments on the issue (every page). */
export async function findComment(api: CommentApi, marker: string): Promise<CommentLike | undefined> {
  const login = await api.login();
  for await (const page of api.pages()) {
    const found = findOwnComment(page, marker, login);
    if (found) return found;
  }
  return undefined;
}

/** What `upsertComment` did. */
export interface UpsertOutcome {
  plan: CommentPlan;
  id?: number;
}

/**
 * Create or update the comment carrying `marker`, or leave it alone when it already shows these results.
 * `existing` skips the lookup when the caller already did it (e.g. it posted the "running…" comment).
 */
export async function upsertComment(
  api: CommentApi,
  marker: string,
  body: string,
  options: { create: boolean; existing?: CommentLike | null },
): Promise<UpsertOutcome> {
  const existing =
    options.existing === undefined ? await findComment(api, marker) : (options.existing ?? undefined);
  const plan = planComment(existing, body, options);
  if (plan.action === 'create') return { plan, id: (await api.create(plan.body)).id };
  if (plan.action === 'update') {
    await api.update(plan.id, plan.body);
    return { plan, id: plan.id };
  }
  return { plan, id: plan.id };
}
