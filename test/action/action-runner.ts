/**
 * Runs the bundled action `node dist/index.js` exactly as a runner does: INPUT_* variables,
 * GITHUB_EVENT_PATH with a real event payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, against a local GitHub
 * API (test/servers/github-server.ts). Shared by the action's end-to-end and reliability tests. Run
 * `npm run bundle` first: this tests dist/, not src/.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const actionEntry = path.join(repoRoot, 'dist', 'index.js');
export const MARKER = '<!-- tracegate:comment:tracegate -->';
export const OWNER = 'acme';
export const REPO = 'support-app';
export const HEAD_SHA = 'a'.repeat(40);

/** What one step produced. */
export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Fail early with the fix when the bundle is missing. */
export function requireBundle(): void {
  if (!existsSync(actionEntry))
    throw new Error('dist/index.js is missing: run `npm run bundle` before this test.');
}

/** A pull_request payload as GitHub sends it (the fields a consumer reads), from a fork or not. */
export function pullRequestPayload(number: number, fork = false, sha = HEAD_SHA) {
  const base = { full_name: `${OWNER}/${REPO}`, name: REPO, fork: false, owner: { login: OWNER } };
  const head = fork
    ? { full_name: `contributor/${REPO}`, name: REPO, fork: true, owner: { login: 'contributor' } }
    : base;
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      title: 'Tweak the support prompt',
      user: { login: fork ? 'contributor' : 'dev' },
      head: { ref: 'prompt-tweak', sha, repo: head, user: head.owner },
      base: { ref: 'main', sha: 'b'.repeat(40), repo: base, user: base.owner },
    },
    repository: base,
    sender: { login: fork ? 'contributor' : 'dev' },
  };
}

/** A workflow_run payload: the run that tested `headSha` from `headRepo` (forks leave pull_requests empty). */
export function workflowRunPayload(
  headSha: string,
  headRepo = `contributor/${REPO}`,
  pullRequests: number[] = [],
) {
  return {
    action: 'completed',
    workflow_run: {
      id: 99,
      event: 'pull_request',
      conclusion: 'success',
      head_sha: headSha,
      head_branch: 'prompt-tweak',
      head_repository: { full_name: headRepo },
      repository: { full_name: `${OWNER}/${REPO}` },
      pull_requests: pullRequests.map((number) => ({ number })),
    },
    repository: { full_name: `${OWNER}/${REPO}` },
  };
}

/**
 * Run the action once, as a runner does: a fresh output file and summary file per step. `env` adds
 * variables (e.g. OPENAI_API_KEY); this process's INPUT_/GITHUB_/… variables never leak in.
 */
export async function runStep(options: {
  project: string;
  apiUrl: string;
  event: string;
  payload: unknown;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
}): Promise<StepRun> {
  const step = mkdtempSync(path.join(os.tmpdir(), 'tracegate-step-'));
  const files = {
    event: path.join(step, 'event.json'),
    output: path.join(step, 'output'),
    summary: path.join(step, 'summary.md'),
  };
  writeFileSync(files.event, JSON.stringify(options.payload));
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(INPUT_|GITHUB_|RUNNER_|ACTIONS_|OPENAI_|BRAINTRUST_)/.test(k)) env[k] = v;
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_WORKSPACE: options.project,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: step,
    // Defaults from action.yml, which the runner fills in for inputs the workflow leaves out.
    'INPUT_GITHUB-TOKEN': 'test-token',
    INPUT_COMMENT: 'always',
    'INPUT_COMMENT-ID': 'tracegate',
    'INPUT_ALLOW-UNTRUSTED-CODE': 'false',
    ...options.env,
  });
  for (const [name, value] of Object.entries(options.inputs ?? {}))
    env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [actionEntry], {
    cwd: options.project,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
  };
}

/** Parse GITHUB_OUTPUT (`name<<delimiter` … `delimiter` blocks, as @actions/core writes them). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]] = m[3];
  return out;
}
