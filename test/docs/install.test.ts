import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { cli, repo } from '../helpers/cli.js';

// semver comes with npm's own toolchain (jest, eslint and npm itself depend on it); untyped, so typed here.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
};

// docs/install.md promises what the package holds and that `npm ci` on Node 20 is clean: checked here.

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}

/** `npm pack` without running scripts (lib/ is already built by `npm test`'s pretest). */
function pack(args: string[]): PackResult {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
  return (JSON.parse(out) as PackResult[])[0];
}

describe('npm pack', () => {
  const files = pack(['--dry-run']).files.map((f) => f.path);

  test('holds the CLI, the library, the action bundle, action.yml and the docs', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/tracegate.js',
        'lib/src/index.js',
        'lib/src/index.d.ts',
        'lib/src/cli/main.js',
        'lib/scorers/index.js',
        'dist/index.js',
        'action.yml',
        'docs/README.md',
        'docs/cli.md',
        'docs/install.md',
        'docs/pr-comment.png',
        'README.md',
        'CHANGELOG.md',
        'package.json',
      ]),
    );
  });

  test('holds no tests, test data, datasets, examples, benchmarks or TypeScript sources', () => {
    const unwanted = files.filter(
      (f) =>
        /^(test|datasets|examples|bench|src|scorers|scripts|\.tracegate|\.github|node_modules)\//.test(f) ||
        /\.test\.[jt]s$/.test(f) ||
        /(^|\/)__snapshots__\//.test(f) ||
        (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)),
    );
    expect(unwanted).toEqual([]);
  });

  test('the packed tarball runs on its own: --version and init in an empty git repository', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'tracegate-pack-'));
    try {
      const { filename } = pack(['--pack-destination', work]);
      execFileSync('tar', ['-xzf', path.join(work, filename), '-C', work]);
      // Dependencies come from this checkout's node_modules, as npm would install them next to the package.
      symlinkSync(path.join(repo, 'node_modules'), path.join(work, 'package/node_modules'), 'dir');
      const packed = path.join(work, 'package/bin/tracegate.js');
      const version = execFileSync(process.execPath, [packed, '--version'], { encoding: 'utf8' }).trim();
      expect(version).toBe(JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).version);
      const app = path.join(work, 'app');
      execFileSync('mkdir', ['-p', app]);
      execFileSync('git', ['init', '-q'], { cwd: app });
      const init = execFileSync(process.execPath, [packed, 'init', '--yes'], { cwd: app, encoding: 'utf8' });
      expect(init).toContain('tracegate.config.json');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60000);
});

test('the lockfile installs on Node 20 without a package that demands a newer Node', () => {
  const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<
      string,
      { version?: string; engines?: Record<string, string> | string[]; dev?: boolean }
    >;
  };
  const demanding = Object.entries(lock.packages)
    .filter(([name, p]) => name && p.engines && !Array.isArray(p.engines) && p.engines.node)
    .filter(([, p]) => !semver.satisfies('20.19.0', (p.engines as Record<string, string>).node))
    .map(([name, p]) => `${name}@${p.version} (node ${(p.engines as Record<string, string>).node})`);
  expect(demanding).toEqual([]);
});

test('the init command is in the CLI', async () => {
  const help = await cli(['--help']);
  expect(help.stdout).toMatch(/^ {2}init \[options\]/m);
});
