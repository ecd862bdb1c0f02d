import { TaskError, type Task } from './task.js';

/**
 * `replay`: no call at all; score the row's recorded production `output` (and recorded tool calls and
 * retrieval; a row with tool calls and no output replays them with a null output). Used for triage, online
 * scoring and fork PRs without secrets.
 */
export function createReplayTask(): Task {
  return {
    spec: 'replay',
    async run(_input, testCase) {
      const toolCalls = testCase.context?.tool_calls;
      // A model that answered only with a tool call has no text output: its recorded calls are the answer.
      const answeredWithTools = Array.isArray(toolCalls) && toolCalls.length > 0;
      if (testCase.output === undefined && !answeredWithTools)
        throw new TaskError('replay: the case has no recorded "output" and no recorded "context.tool_calls"');
      return {
        output: testCase.output ?? null,
        tool_calls: testCase.context?.tool_calls as never,
        retrieved: testCase.context?.retrieved as never,
      };
    },
    async close() {},
  };
}
