import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configSchema, FIX_HINTS, type TracegateConfig } from './config-schema.js';
import { UsageError } from '../errors.js';
import { formatZodIssues } from '../util/zod-issues.js';
import { describeUnknownKeys } from './config-keys.js';

/** Config file names, in the order they are looked for in each directory. */
export const CONFIG_FILE_NAMES = [
  'tracegate.config.ts',
  'tracegate.config.js',
  'tracegate.config.mjs',
  'tracegate.config.json',
  'tracegate.config.yaml',
  'tracegate.config.yml',
];

/** A loaded config and where it came from (relative paths in it resolve against `dir`). */
export interface LoadedConfig {
  config: TracegateConfig;
  /** The config file, or undefined when running on defaults. */
  file?: string;
  /** Directory relative paths resolve against: the config file's, else the working directory. */
  dir: string;
}

/** Look for a config file in `cwd` and each parent directory, stopping at a git root or the filesystem root. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir || existsSync(path.join(dir, '.git'))) return undefined;
    dir = parent;
  }
}

/** Load and validate the config (`explicit` from --config, else found upward). No file means defaults. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const file = explicit ? path.resolve(cwd, explicit) : findConfigFile(cwd);
  if (explicit && !existsSync(file!)) throw new UsageError(`Config file not found: ${explicit}`);
  if (!file) return { config: validateConfig({}, '(defaults)'), dir: path.resolve(cwd) };
  const raw = await readConfigFile(file);
  return { config: validateConfig(raw, path.relative(cwd, file) || file), file, dir: path.dirname(file) };
}

/** Validate a raw config object; every problem names its key path and the fix, all at once. */
export function validateConfig(raw: unknown, source: string): TracegateConfig {
  const parsed = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = formatZodIssues(parsed.error, FIX_HINTS, {
    unknownKeys: (keys, at) => describeUnknownKeys(configSchema, keys, at),
  });
  throw new UsageError(`Invalid config in ${source}:`, problems);
}

async function readConfigFile(file: string): Promise<unknown> {
  const ext = path.extname(file);
  try {
    if (ext === '.json') return JSON.parse(readFileSync(file, 'utf8'));
    if (ext === '.yaml' || ext === '.yml') {
      const { parse } = await import('yaml'); // only projects with a YAML config load the parser
      return parse(readFileSync(file, 'utf8'));
    }
    const mod = await importModule(file);
    return (mod as { default?: unknown }).default ?? mod;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`Could not read config file ${file}: ${(error as Error).message}`);
  }
}

/**
 * Import a user module: .js/.mjs natively, .ts through jiti (no build step for the user). jiti is loaded
 * only when a TypeScript file is actually imported, so plain-JS projects never pay for it.
 */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  if (/\.(c|m)?tsx?$/.test(file)) {
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, { interopDefault: false });
    return (await jiti.import(file)) as Record<string, unknown>;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}
