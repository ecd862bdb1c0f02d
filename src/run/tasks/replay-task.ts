import { TaskError, type Task } from './task.js';

/**
 * `replay`: no call at all; score the row's recorded production `output` (and recorded tool calls and
 * retrieval). Used for triage, online scoring and fork PRs without secrets.
 */
export function createReplayTask(): Task {
  return {
    spec: 'replay',
    async run(_input, testCase) {
      if (testCase.output === undefined) throw new TaskError('replay: the case has no recorded "output"');
      return {
        output: testCase.output,
        tool_calls: testCase.context?.tool_calls as never,
        retrieved: testCase.context?.retrieved as never,
      };
    },
    async close() {},
  };
}
