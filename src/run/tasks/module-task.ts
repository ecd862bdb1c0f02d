import path from 'node:path';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { importModule } from '../../config/load-config.js';
import { UsageError } from '../../errors.js';
import { normaliseTaskResult, TaskError, type Task, type TaskCallContext } from './task.js';
import type { RegressionCase } from '../../cases/regression-case.js';
import { describeLoadError, TaskWorkerPool, type WorkerLoadError } from './worker-pool.js';

/** How a `module:` task runs. */
export interface ModuleTaskOptions {
  /**
   * Worker threads (default 1: tasks under test mostly wait on I/O, which one thread overlaps as well as
   * the main thread did; measured, a second worker on a 2-core machine tripled the per-case cost). More
   * helps CPU-bound synchronous tasks, and limits how many cases one stuck worker takes down with it.
   */
  workers?: number;
  /** How long a worker may ignore a timed-out case's abort before it is terminated (ms, default 500). */
  stuckGraceMs?: number;
}

/**
 * `module:./app.js#exportName`: an async function `(input, case, {signal}) => TaskResult | value`, run in
 * worker threads (see TaskWorkerPool): a task that loops forever, blocks or calls `process.exit` errors its
 * cases instead of hanging or ending the run, and the case it gets is its own copy.
 */
export async function createModuleTask(
  spec: string,
  target: string,
  cwd: string,
  options: ModuleTaskOptions = {},
): Promise<Task> {
  const [file, exportName = 'default'] = target.split('#');
  const resolved = path.resolve(cwd, file);
  if (!existsSync(resolved))
    throw new UsageError(`Task module not found: ${file} (looked for ${resolved}, from task "${spec}")`, [
      'A path in --task resolves against the working directory; the config\'s "task" against the config file\'s folder.',
    ]);
  const typescript = /\.(c|m)?tsx?$/.test(resolved);
  const jiti = typescript ? resolveJiti() : null;
  const pool = new TaskWorkerPool(
    { file: resolved, exportName, typescript, jiti },
    options.workers ?? 1,
    options.stuckGraceMs,
  );
  try {
    await pool.start();
  } catch (error) {
    await pool.close();
    const load = (error as { load?: WorkerLoadError }).load ?? { message: (error as Error).message };
    // TypeScript without a loader in the worker (the action's bundle on a Node without type stripping):
    // run in this thread, as before workers, rather than not at all.
    if (typescript && !jiti && load.code === 'ERR_UNKNOWN_FILE_EXTENSION')
      return createInProcessModuleTask(spec, file, resolved, exportName);
    if (load.missingExport)
      throw new UsageError(
        `Task module ${file} has no function export "${exportName}" (${describeLoadError(load)})`,
      );
    throw new UsageError(`Task module ${file} failed to load: ${describeLoadError(load)}`, [
      `Fix the module, or check that "${spec}" names the right file.`,
    ]);
  }
  return {
    spec,
    run(_input, testCase, context) {
      return pool.run(testCase, context).then(normaliseTaskResult);
    },
    close: () => pool.close(),
  };
}

/** jiti's CommonJS entry for the worker, or null where no node_modules exist (the action's bundle). */
function resolveJiti(): string | null {
  try {
    return createRequire(import.meta.url).resolve('jiti');
  } catch {
    return null;
  }
}

async function createInProcessModuleTask(
  spec: string,
  file: string,
  resolved: string,
  exportName: string,
): Promise<Task> {
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

/**
 * A task that calls a function in this process, for library users with a function in hand (no worker: the
 * function and what it closes over stay in memory, and a call costs no message).
 */
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
