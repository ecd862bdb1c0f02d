import path from 'node:path';
import type { ActionSettings } from './inputs.js';
import type { EventInfo } from './event.js';

/** Where the action's security notes live. */
export const SECURITY_DOC = 'docs/action-security.md';

/** What the untrusted-code check decided: run, run with a warning, or refuse with the reason. */
export type UntrustedVerdict = { run: true; warning?: string } | { run: false; reason: string };

/** The parts of the config the check needs; JSON and YAML configs are read as data, never run. */
export interface ConfigPeek {
  /** The config file, if one was found. */
  file?: string;
  /** Its task, when the file is data (JSON or YAML). */
  task?: string;
  /** `file:` scorers it names (code from the checkout). */
  fileScorers: string[];
  /** The file exists but could not be read as data: what it would run is unknown. */
  unreadable?: string;
}

const CODE_CONFIG = /\.(?:[cm]?[jt]s)$/i;

/**
 * On `pull_request_target` from a fork, the workflow runs with the base repository's secrets and a token
 * that can write, and whatever the workspace holds may be the fork's code. The only task that runs no code
 * from the checkout is `replay` (it scores the recorded outputs); a `.ts`/`.js` config and `file:` scorers
 * are code too. Anything else is refused unless `allow-untrusted-code: true`. Pure: the caller peeks at the
 * config (without importing it) and turns a refusal into a failed step.
 */
export function checkUntrustedCode(
  event: Pick<EventInfo, 'name' | 'fork'>,
  settings: Pick<ActionSettings, 'task' | 'allowUntrustedCode'>,
  mode: 'eval' | 'merge',
  config: ConfigPeek,
): UntrustedVerdict {
  if (event.name !== 'pull_request_target' || !event.fork || mode === 'merge') return { run: true };
  const task = settings.task ?? config.task ?? 'replay';
  const code: string[] = [];
  if (task !== 'replay') code.push(`the task '${task}' runs the pull request's code`);
  if (config.file && CODE_CONFIG.test(config.file))
    code.push(`the config ${path.basename(config.file)} is code, and loading it runs it`);
  for (const scorer of config.fileScorers) code.push(`the scorer '${scorer}' is code from the checkout`);
  if (config.unreadable)
    code.push(`the config could not be read to check what it runs (${config.unreadable})`);
  if (code.length === 0) {
    return {
      run: true,
      warning:
        'pull_request_target from a fork: running task replay only (recorded outputs are scored, no code from the pull request runs).',
    };
  }
  if (settings.allowUntrustedCode) {
    return {
      run: true,
      warning: `allow-untrusted-code is true: on pull_request_target from a fork, ${code.join('; ')}, with this workflow's secrets and a token that can write. See ${SECURITY_DOC}.`,
    };
  }
  return {
    run: false,
    reason:
      `Refusing to run code from a fork on pull_request_target: ${code.join('; ')}. ` +
      `pull_request_target runs with this repository's secrets and a write token, so the fork's code would get both. ` +
      `Use the pull_request event (no secrets; judge scorers are reported as skipped) with the workflow_run recipe for the comment, ` +
      `or set task: replay, or — only if you trust every fork — allow-untrusted-code: true. See ${SECURITY_DOC}.`,
  };
}

/** Every `file:` scorer id in a config object (per-mode and global lists). */
export function fileScorersOf(config: unknown): string[] {
  const out: string[] = [];
  const visit = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const entry of list) {
      const id = typeof entry === 'string' ? entry : (entry as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && id.startsWith('file:')) out.push(id);
    }
  };
  const c = (config ?? {}) as { scorers?: unknown; failure_modes?: Record<string, { scorers?: unknown }> };
  visit(c.scorers);
  for (const mode of Object.values(c.failure_modes ?? {})) visit(mode?.scorers);
  return out;
}
