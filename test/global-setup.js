// Jest global setup: the CLI end-to-end tests run bin/tracegate.js, which runs the compiled lib/, so a
// lib/ older than the sources would test stale code. Rebuild it (once per jest run) when any source file
// is newer than its compiled output, or has none; `npm test` has just built it, so there it costs a scan.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The first source file whose compiled output is missing or older, if any. */
function staleSource() {
  const config = path.join(repo, 'tsconfig.build.json');
  const oldest = (file) => (existsSync(file) ? statSync(file).mtimeMs : -Infinity);
  const configTime = Math.max(oldest(config), oldest(path.join(repo, 'tsconfig.json')));
  for (const dir of ['src', 'scorers']) {
    for (const entry of readdirSync(path.join(repo, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      const source = path.join(entry.parentPath ?? entry.path, entry.name);
      const compiled = path.join(repo, 'lib', path.relative(repo, source)).replace(/\.ts$/, '.js');
      const built = oldest(compiled);
      if (built < statSync(source).mtimeMs || built < configTime) return path.relative(repo, source);
    }
  }
  return undefined;
}

export default function buildLib() {
  const stale = staleSource();
  if (!stale) return;
  process.stdout.write(
    `\njest global setup: lib/ is older than ${stale}; rebuilding it (tsc -p tsconfig.build.json)…\n`,
  );
  const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    throw new Error(
      `Building lib/ failed, so the CLI tests would run stale code:\n${run.stdout}${run.stderr}`,
    );
  }
}
