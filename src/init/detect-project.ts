import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/** What kind of application the repository holds, as far as its files say. */
export type ProjectKind = 'node' | 'python' | 'go' | 'other';

/** What `tracegate init` found in the repository. */
export interface DetectedProject {
  kind: ProjectKind;
  /** One line for people: which file decided the kind. */
  evidence: string;
  /** A Node app's entry module (package.json `exports`, `main` or `bin`), relative, `./`-prefixed. */
  entry?: string;
  /** Whether a package-lock.json exists (the workflow then runs `npm ci`). */
  lockfile: boolean;
  /** The branch whose runs save the baseline: the checked-out branch when it is main or master, else main. */
  mainBranch: string;
  /** The git repository's top folder, when cwd is inside one. */
  gitRoot?: string;
}

const PYTHON_MARKERS = ['pyproject.toml', 'requirements.txt', 'setup.py', 'Pipfile'];

/** Look at the repository's files (never runs or imports the user's code) to propose a task. */
export function detectProject(cwd: string): DetectedProject {
  const lockfile = existsSync(path.join(cwd, 'package-lock.json'));
  const mainBranch = currentBranch(cwd);
  const gitRoot = git(cwd, ['rev-parse', '--show-toplevel']);
  const pkg = readPackageJson(cwd);
  const entry = pkg ? nodeEntry(pkg) : undefined;
  if (pkg && entry)
    return {
      kind: 'node',
      evidence: `package.json names its entry ${entry}`,
      entry,
      lockfile,
      mainBranch,
      gitRoot,
    };
  const python = PYTHON_MARKERS.find((f) => existsSync(path.join(cwd, f)));
  if (python) return { kind: 'python', evidence: `${python} found`, lockfile, mainBranch, gitRoot };
  if (existsSync(path.join(cwd, 'go.mod')))
    return { kind: 'go', evidence: 'go.mod found', lockfile, mainBranch, gitRoot };
  if (pkg)
    return {
      kind: 'node',
      evidence: 'package.json found (no main or exports)',
      lockfile,
      mainBranch,
      gitRoot,
    };
  return {
    kind: 'other',
    evidence: 'no package.json, pyproject.toml or go.mod found',
    lockfile,
    mainBranch,
    gitRoot,
  };
}

function readPackageJson(cwd: string): Record<string, unknown> | undefined {
  const file = path.join(cwd, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined; // a broken package.json is the user's to fix; init still scaffolds
  }
}

/** The module a Node package exposes: `exports` (string, `.`, or its import/default/require), `main`, `bin`. */
export function nodeEntry(pkg: Record<string, unknown>): string | undefined {
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      return pick(v['.']) ?? pick(v.import) ?? pick(v.node) ?? pick(v.default) ?? pick(v.require);
    }
    return undefined;
  };
  const bin =
    pkg.bin && typeof pkg.bin === 'object' ? Object.values(pkg.bin as Record<string, unknown>)[0] : pkg.bin;
  const found = pick(pkg.exports) ?? pick(pkg.main) ?? pick(bin);
  if (!found) return undefined;
  return found.startsWith('./') || found.startsWith('../') ? found : `./${found}`;
}

function currentBranch(cwd: string): string {
  return git(cwd, ['symbolic-ref', '--short', 'HEAD']) === 'master' ? 'master' : 'main';
}

/** A git command's trimmed output, or undefined (not a repository, no git). */
function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
