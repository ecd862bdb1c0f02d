import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The real CLI entry (bin/tracegate.js → lib/, built by `npm test`'s pretest). */
export const bin = path.join(repo, 'bin/tracegate.js');

/**
 * Run the real CLI as a user would, and collect its exit code and output. `env` adds to this process's
 * environment; a key set to undefined is removed from it.
 */
export function cli(
  args: string[],
  cwd = repo,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: Record<string, string | undefined> = { ...process.env, CI: 'true', ...env };
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
