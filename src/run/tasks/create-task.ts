import { UsageError } from '../../errors.js';
import { createCmdTask } from './cmd-task.js';
import { createHttpTask } from './http-task.js';
import { createModuleTask, type ModuleTaskOptions } from './module-task.js';
import { createReplayTask } from './replay-task.js';
import type { Task } from './task.js';

/**
 * Build the task named by a spec: `module:path#export`, `cmd:command`, `http(s)://url` or `replay`.
 * `options` tune `module:` tasks (worker threads).
 */
export async function createTask(spec: string, cwd: string, options: ModuleTaskOptions = {}): Promise<Task> {
  const trimmed = spec.trim();
  if (trimmed === 'replay') return createReplayTask();
  if (trimmed.startsWith('module:'))
    return createModuleTask(trimmed, trimmed.slice('module:'.length), cwd, options);
  if (trimmed.startsWith('cmd:')) {
    const command = trimmed.slice('cmd:'.length).trim();
    if (!command) throw new UsageError('Task "cmd:" needs a command, e.g. "cmd:python app.py"');
    return createCmdTask(trimmed, command, cwd);
  }
  if (/^https?:\/\//.test(trimmed)) {
    try {
      new URL(trimmed);
    } catch {
      throw new UsageError(`Task URL is not valid: "${trimmed}"`);
    }
    return createHttpTask(trimmed);
  }
  throw new UsageError(`Unknown task spec "${spec}".`, [
    'Expected one of: module:./app.js#exportName, cmd:<command>, http(s)://host/path, replay',
  ]);
}
