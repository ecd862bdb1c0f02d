import path from 'node:path';
import { existsSync } from 'node:fs';
import { importModule } from '../../config/load-config.js';
import { UsageError } from '../../errors.js';
import { normaliseTaskResult, TaskError, type Task, type TaskCallContext } from './task.js';
import type { RegressionCase } from '../../cases/regression-case.js';

/**
 * `module:./app.js#exportName`: an async function `(input, case, {signal}) => TaskResult | value`
 * imported once and called per case in this process.
 */
export async function createModuleTask(spec: string, target: string, cwd: string): Promise<Task> {
  const [file, exportName = 'default'] = target.split('#');
  const resolved = path.resolve(cwd, file);
  if (!existsSync(resolved))
    throw new UsageError(`Task module not found: ${file} (looked for ${resolved}, from task "${spec}")`, [
      'A path in --task resolves against the working directory; the config\'s "task" against the config file\'s folder.',
    ]);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(resolved);
  } catch (error) {
    throw new UsageError(`Task module ${file} failed to load: ${(error as Error).message}`);
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    const available = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new UsageError(
      `Task module ${file} has no function export "${exportName}"` +
        (available.length ? ` (functions exported: ${available.join(', ')})` : ''),
    );
  }
  return createFunctionTask(fn as TaskFunction, spec);
}

/** The function a `module:` task exports. */
export type TaskFunction = (input: unknown, testCase: RegressionCase, context: TaskCallContext) => unknown;

/** A task that calls a function in this process (what `module:` tasks are; also for library users). */
export function createFunctionTask(fn: TaskFunction, spec = 'function'): Task {
  const threw = (error: unknown) =>
    new TaskError(`task threw: ${error instanceof Error ? error.message : String(error)}`);
  return {
    spec,
    // Not an async function: one promise per call instead of two (this runs once per case).
    run(input, testCase, context) {
      let returned: unknown;
      try {
        returned = fn(input, testCase, context);
      } catch (error) {
        return Promise.reject(threw(error));
      }
      return Promise.resolve(returned).then(normaliseTaskResult, (error) => {
        throw threw(error);
      });
    },
    async close() {},
  };
}
