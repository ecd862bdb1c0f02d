/**
 * A problem with what the user gave us (usage, config, dataset or task spec): the CLI exits 2 and prints
 * every line of `problems`. Anything else that escapes is a bug.
 */
export class UsageError extends Error {
  readonly problems: string[];
  constructor(title: string, problems: string[] = []) {
    super(problems.length ? `${title}\n${problems.map((p) => `  ${p}`).join('\n')}` : title);
    this.name = 'UsageError';
    this.problems = problems;
  }
}

/**
 * The environment refused a write or read (read-only or missing directory, full disk, a file too big for
 * one string): not a bug, so it exits 2 like bad input, with the path and what to do about it.
 */
export class EnvironmentError extends UsageError {
  readonly path: string;
  readonly code: string | undefined;
  constructor(title: string, path: string, code: string | undefined, problems: string[] = []) {
    super(title, problems);
    this.name = 'EnvironmentError';
    this.path = path;
    this.code = code;
  }
}

/** Hints per errno code when reading: what the user can do about it. */
const READ_FIXES: Record<string, string> = {
  EACCES: 'the file is not readable by this user: fix its permissions',
  EPERM: 'the file is not readable by this user: fix its permissions',
  ENOENT: 'the file does not exist (removed or renamed during the run?)',
  EISDIR: 'that is a directory, not a file',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EMFILE: 'too many open files: raise the limit (ulimit -n) or lower --concurrency',
  EIO: 'the disk reported an I/O error: check the file system',
  ERR_STRING_TOO_LONG: 'the file is larger than Node.js can hold in one string (about 512 MiB): split it',
};

/** Hints per errno code when writing (or anything else): what the user can do about it. */
const FIXES: Record<string, string> = {
  EACCES:
    'the directory is not writable by this user: fix its permissions or pass --out to a writable directory',
  EPERM:
    'the directory is not writable by this user: fix its permissions or pass --out to a writable directory',
  EROFS: 'the file system is read-only: pass --out to a writable directory',
  ENOSPC: 'the disk is full: free some space (or pass --out to another disk) and run again',
  EDQUOT: 'the disk quota is exhausted: free some space (or pass --out to another disk) and run again',
  ENOENT: 'the directory does not exist (or was removed during the run): create it or pass --out',
  ENOTDIR: 'a part of the path is a file, not a directory: pass --out to a directory',
  EISDIR: 'a directory is in the way of the file: remove it or pass --out to another directory',
  EMFILE: 'too many open files: raise the limit (ulimit -n) or lower --concurrency',
  ERR_STRING_TOO_LONG: 'the file is larger than Node.js can hold in one string (about 512 MiB): split it',
};

/**
 * Turn a file-system error into an EnvironmentError naming the path and the fix; anything that is not a
 * file-system error (no `code`) is returned unchanged, so bugs still look like bugs.
 */
export function environmentError(error: unknown, action: string, file: string): unknown {
  if (error instanceof UsageError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const stringTooLong =
    error instanceof RangeError && /string longer than|Invalid string length/i.test(error.message);
  const key = stringTooLong ? 'ERR_STRING_TOO_LONG' : code;
  const fixes = action.startsWith('read') ? READ_FIXES : FIXES;
  if (!key || !(key in fixes)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new EnvironmentError(`Cannot ${action} ${file}: ${key}`, file, key, [fixes[key], `(${detail})`]);
}
