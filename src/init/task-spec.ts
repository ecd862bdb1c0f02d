import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Why a task spec typed at init cannot work, or undefined when it can: init must never write a config
 * that makes the next `tracegate eval` a usage error. A module path is checked against the working
 * directory (where init writes the config); the app itself is not imported or started here.
 */
export function checkTaskSpec(spec: string, cwd: string): string | undefined {
  const s = spec.trim();
  if (s === 'replay') return undefined;
  if (s.startsWith('module:')) {
    const file = s.slice('module:'.length).split('#')[0];
    if (!file) return 'module: needs a file, e.g. module:./src/app.js#answer';
    const resolved = path.resolve(cwd, file);
    return existsSync(resolved) ? undefined : `module file not found: ${file} (looked for ${resolved})`;
  }
  if (s.startsWith('cmd:'))
    return s.slice(4).trim() ? undefined : 'cmd: needs a command, e.g. cmd:python3 app.py';
  if (/^https?:\/\//.test(s)) {
    try {
      new URL(s);
      return undefined;
    } catch {
      return `not a valid URL: ${s}`;
    }
  }
  return `unknown task "${s}": use module:./app.js#fn, cmd:<command>, http(s)://url or replay`;
}
