import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** Where this run's code comes from, for the experiment's metadata. */
export interface GitContext {
  commit?: string;
  branch?: string;
  /** The pull request number, on a pull_request run. */
  pr?: number;
  /** The branch the pull request merges into (GITHUB_BASE_REF), or the configured/default base. */
  baseBranch: string;
}

/** Commit, branch and PR number from git and the GitHub Actions environment. */
export async function readGitContext(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  baseBranch?: string,
): Promise<GitContext> {
  const commit = await git(cwd, ['rev-parse', 'HEAD']);
  let branch = env.GITHUB_HEAD_REF || undefined;
  if (!branch && env.GITHUB_REF?.startsWith('refs/heads/'))
    branch = env.GITHUB_REF.slice('refs/heads/'.length);
  if (!branch) {
    const head = await git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']);
    if (head && head !== 'HEAD') branch = head;
  }
  let pr: number | undefined;
  const ref = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '');
  if (ref) pr = Number(ref[1]);
  if (pr === undefined && env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as {
        pull_request?: { number?: unknown };
      };
      if (typeof event.pull_request?.number === 'number') pr = event.pull_request.number;
    } catch {
      // no event file: not a pull request run
    }
  }
  return { commit, branch, pr, baseBranch: baseBranch || env.GITHUB_BASE_REF || 'main' };
}

/**
 * The commit this branch forked from its base (`git merge-base HEAD origin/<base>`, else the local
 * `<base>`), or undefined when neither resolves (e.g. a shallow clone).
 */
export async function mergeBaseCommit(cwd: string, baseBranch: string): Promise<string | undefined> {
  for (const ref of [`origin/${baseBranch}`, baseBranch]) {
    const base = await git(cwd, ['merge-base', 'HEAD', ref]);
    if (base) return base;
  }
  return undefined;
}

/** Every ancestor of `commit`, itself first, newest first (`git rev-list`): no depth limit. */
export async function ancestorCommits(cwd: string, commit: string): Promise<string[]> {
  const out = await git(cwd, ['rev-list', commit]);
  return out ? out.split('\n').filter(Boolean) : [];
}
