import { UsageError } from '../errors.js';

/** Where harvest writes: a repository, its base branch, and the harvest branch. */
export interface PrTarget {
  token: string;
  /** `owner/name`. */
  repository: string;
  /** REST API base URL (GITHUB_API_URL on GitHub Enterprise), default https://api.github.com. */
  apiUrl?: string;
  /** Base branch (default: the repository's default branch). */
  base?: string;
  /** The one branch harvest commits to (default `tracegate/harvest`). */
  branch?: string;
}

/** A branch's state as harvest sees it: its head, tree and file listing. */
export interface BranchSnapshot {
  sha: string;
  tree: string;
  /** path → blob sha. */
  files: Map<string, string>;
}

export interface OpenPull {
  number: number;
  html_url: string;
  body: string;
}

/**
 * The GitHub calls harvest makes, through Octokit: the git data API (refs, commits, trees, blobs) to read
 * the base and harvest branches and to commit without a checkout, and the pulls API to find, open and
 * update the one harvest pull request. `@actions/github` is imported on first use only.
 */
export class HarvestRepo {
  readonly owner: string;
  readonly name: string;
  readonly branch: string;
  private octokit?: Promise<any>;

  constructor(private readonly target: PrTarget) {
    const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(target.repository ?? '');
    if (!m)
      throw new UsageError(
        `Invalid repository '${target.repository}'. Expected format {owner}/{repo} (--repo or GITHUB_REPOSITORY).`,
      );
    if (!target.token)
      throw new UsageError(
        'harvest needs a GitHub token with contents: write and pull-requests: write (GITHUB_TOKEN or --token-env).',
      );
    [this.owner, this.name] = [m[1], m[2]];
    this.branch = target.branch ?? 'tracegate/harvest';
  }

  private api(): Promise<any> {
    this.octokit ??= import('@actions/github').then(({ getOctokit }) =>
      getOctokit(this.target.token, { baseUrl: this.target.apiUrl ?? 'https://api.github.com' }),
    );
    return this.octokit;
  }

  private get repo() {
    return { owner: this.owner, repo: this.name };
  }

  /** The base branch's name. */
  async baseBranch(): Promise<string> {
    if (this.target.base) return this.target.base;
    const { data } = await (await this.api()).rest.repos.get(this.repo);
    return data.default_branch as string;
  }

  /** A branch's head and files, or undefined when it does not exist. */
  async snapshot(branch: string): Promise<BranchSnapshot | undefined> {
    const gh = await this.api();
    let sha: string;
    try {
      const { data } = await gh.rest.git.getRef({ ...this.repo, ref: `heads/${branch}` });
      sha = data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
    const { data: commit } = await gh.rest.git.getCommit({ ...this.repo, commit_sha: sha });
    const { data: tree } = await gh.rest.git.getTree({
      ...this.repo,
      tree_sha: commit.tree.sha,
      recursive: 'true',
    });
    if (tree.truncated)
      throw new Error(`the tree of ${branch} is too large to list in one request (GitHub truncated it)`);
    const files = new Map<string, string>();
    for (const e of tree.tree as Array<{ path: string; type: string; sha: string }>)
      if (e.type === 'blob') files.set(e.path, e.sha);
    return { sha, tree: commit.tree.sha, files };
  }

  /** A blob's text. */
  async readBlob(sha: string): Promise<string> {
    const { data } = await (await this.api()).rest.git.getBlob({ ...this.repo, file_sha: sha });
    return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  }

  /**
   * Commit `files` (path → new content) on top of `parent` and move the harvest branch there (created
   * when missing; reset, not fast-forwarded, when `reset` — its old pull request was closed or merged).
   */
  async commit(
    parent: BranchSnapshot,
    files: Map<string, string>,
    message: string,
    branchExists: boolean,
    reset: boolean,
  ): Promise<string> {
    const gh = await this.api();
    const entries = [];
    for (const [p, content] of files) {
      const { data: blob } = await gh.rest.git.createBlob({
        ...this.repo,
        content: Buffer.from(content).toString('base64'),
        encoding: 'base64',
      });
      entries.push({ path: p, mode: '100644', type: 'blob', sha: blob.sha });
    }
    const { data: tree } = await gh.rest.git.createTree({
      ...this.repo,
      base_tree: parent.tree,
      tree: entries,
    });
    const { data: commit } = await gh.rest.git.createCommit({
      ...this.repo,
      message,
      tree: tree.sha,
      parents: [parent.sha],
    });
    if (branchExists)
      await gh.rest.git.updateRef({
        ...this.repo,
        ref: `heads/${this.branch}`,
        sha: commit.sha,
        force: reset,
      });
    else await gh.rest.git.createRef({ ...this.repo, ref: `refs/heads/${this.branch}`, sha: commit.sha });
    return commit.sha;
  }

  /** The open harvest pull request, if any. */
  async openPull(base: string): Promise<OpenPull | undefined> {
    const { data } = await (
      await this.api()
    ).rest.pulls.list({
      ...this.repo,
      head: `${this.owner}:${this.branch}`,
      base,
      state: 'open',
      per_page: 10,
    });
    const pull = (data as Array<{ number: number; html_url: string; body: string | null }>)[0];
    return pull ? { number: pull.number, html_url: pull.html_url, body: pull.body ?? '' } : undefined;
  }

  async createPull(base: string, title: string, body: string): Promise<OpenPull> {
    const { data } = await (
      await this.api()
    ).rest.pulls.create({ ...this.repo, base, head: this.branch, title, body });
    return { number: data.number, html_url: data.html_url, body: data.body ?? '' };
  }

  async updatePull(number: number, body: string): Promise<void> {
    await (await this.api()).rest.pulls.update({ ...this.repo, pull_number: number, body });
  }
}
