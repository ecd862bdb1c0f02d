import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bin, repo } from '../helpers/cli.js';

export { bin, repo };

/** A started CLI process: its exit code and output once it ends. */
export interface Started {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Start `node <entry> …args` in `cwd` (the CLI by default), without waiting for it. */
export function start(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  entry: string = bin,
): Started {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd,
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Wait until `file` exists (a task writes it when a case starts), or fail after `ms`. */
export async function waitForFile(file: string, ms = 20000): Promise<void> {
  const until = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A results.json, parsed. */
export function readResults(out: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Record<string, any>;
}

/** Temporary or part files left in a directory (none may survive a run, however it ended). */
export function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => /\.tmp$|\.part$/.test(f)) : [];
}

/** A previous run's passing results.json, report.md and junit.xml, as a stale file would look. */
export function plantPassingOutputs(out: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'results.json'),
    JSON.stringify({ version: 1, passed: true, cases: [], failure_modes: {} }),
  );
  writeFileSync(path.join(out, 'report.md'), '### ✅ tracegate: all failure modes pass\n');
  writeFileSync(path.join(out, 'junit.xml'), '<testsuites tests="0" failures="0"/>');
}

/** One dataset row (the default mode scores output with json-parse). */
export function caseRow(id: string, question: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    input: { question },
    metadata: { failure_mode: 'format-violation' },
    ...extra,
  });
}

/**
 * Mount a small tmpfs (root only, e.g. in the dev container): a real full disk or read-only file system.
 * Returns undefined, after printing a visible skip line, where mounting is not allowed.
 */
export function mountTmpfs(options: string, why: string): { dir: string; unmount(): void } | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracegate-mount-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(
      `SKIPPED: ${why}: cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || '').trim()}); runs as root in the dev container\n`,
    );
    return undefined;
  }
  return {
    dir,
    unmount() {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Build the action's bundle (what `node dist/index.js` runs) into a temporary directory, with the settings
 * of scripts/bundle.mjs, so the test runs today's sources without touching the committed dist/.
 */
export async function buildActionBundle(): Promise<{ entry: string; cleanup(): void }> {
  const { build } = await import('esbuild');
  const outdir = mkdtempSync(path.join(tmpdir(), 'tracegate-bundle-'));
  await build({
    entryPoints: { index: path.join(repo, 'src/action/index.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);",
    },
  });
  writeFileSync(path.join(outdir, 'package.json'), '{"type":"module"}');
  return {
    entry: path.join(outdir, 'index.js'),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
