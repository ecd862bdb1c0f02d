import { normaliseTaskResult, TaskError, type Task } from './task.js';

/** `http(s)://…`: POST `{input, case}` as JSON and read a TaskResult (or a bare JSON value) back. */
export function createHttpTask(url: string): Task {
  return {
    spec: url,
    async run(input, testCase, { signal }) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ input, case: testCase }),
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new TaskError(
          `POST ${url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        );
      }
      const text = await response.text();
      if (!response.ok) throw new TaskError(`POST ${url} answered ${response.status}: ${text.slice(0, 200)}`);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new TaskError(
          `POST ${url} answered with something that is not JSON: ${JSON.stringify(text.slice(0, 120))}`,
        );
      }
      return normaliseTaskResult(value);
    },
    async close() {},
  };
}
