import type { DetectedProject } from './detect-project.js';

/** A file init writes: its path relative to the repository, and its content. */
export interface PlannedFile {
  path: string;
  content: string;
}

/** The task init configures, and the adapter file it needs (none for a task the user typed). */
export interface TaskChoice {
  spec: string;
  adapter?: PlannedFile;
}

/**
 * The default task for a project: a small adapter file the user wires to the app, which until then
 * replays each row's recorded output, so the first `tracegate eval` runs (never a usage error) and a
 * promoted failure fails the gate until the app is called for real. Node (and anything else, since
 * tracegate itself runs on Node) gets a `module:` adapter; Python and Go a `cmd:` one speaking the
 * JSON-lines protocol (docs/tasks.md).
 */
export function defaultTask(project: DetectedProject): TaskChoice {
  if (project.kind === 'python')
    return {
      spec: 'cmd:python3 tracegate_task.py',
      adapter: { path: 'tracegate_task.py', content: pythonAdapter() },
    };
  if (project.kind === 'go')
    return {
      spec: 'cmd:go run ./cmd/tracegate-task',
      adapter: { path: 'cmd/tracegate-task/main.go', content: goAdapter() },
    };
  return {
    spec: 'module:./tracegate.task.mjs#answer',
    adapter: { path: 'tracegate.task.mjs', content: nodeAdapter(project.entry) },
  };
}

function nodeAdapter(entry: string | undefined): string {
  const importLine = entry
    ? `//   import * as app from '${entry}';   // your package's entry (package.json)`
    : `//   import * as app from './src/app.js';   // the module that answers a request`;
  return `// The task tracegate runs once per dataset row (tracegate.config.json: "task": "module:./tracegate.task.mjs#answer").
// Wire it to your app: call what answers one request and return what it returned, e.g.
//
${importLine}
//   export async function answer(input, testCase, { signal }) {
//     const reply = await app.answer(input, { signal });
//     return { output: reply.text, tool_calls: reply.toolCalls, retrieved: reply.documents };
//   }
//
// Return a TaskResult {output, tool_calls?, retrieved?, usage?} or a bare output; a throw fails the case.
// See https://github.com/tracegate/tracegate/blob/main/docs/tasks.md

let warned = false;

/** Until wired to your app: replays what production answered (the row's recorded output, tool calls, retrieval). */
export async function answer(input, testCase) {
  if (!warned) {
    warned = true;
    console.error('tracegate.task.mjs is not wired to your app yet: replaying the recorded outputs.');
  }
  const context = testCase.context ?? {};
  return { output: testCase.output ?? null, tool_calls: context.tool_calls, retrieved: context.retrieved };
}
`;
}

function pythonAdapter(): string {
  return `#!/usr/bin/env python3
"""The task tracegate runs (tracegate.config.json: "task": "cmd:python3 tracegate_task.py").

One long-lived process speaking JSON lines on stdio. tracegate writes one request per line:
    {"id": 1, "input": {"question": "What is the refund window?"}, "case": {...the dataset row...}}
and reads one reply per line, with the same id:
    {"id": 1, "output": "30 days", "tool_calls": [{"name": "lookup_order", "arguments": {"order_id": "ORD-1"}}]}
or {"id": 1, "error": "what went wrong"}. Every line on stdout must be a reply: log to stderr.
See https://github.com/tracegate/tracegate/blob/main/docs/tasks.md
"""
import json
import sys


def answer(input, case):
    # Wire this to your app, e.g.:
    #   from myapp import handle
    #   reply = handle(input)
    #   return {"output": reply.text, "tool_calls": reply.tool_calls, "retrieved": reply.documents}
    # Until then: replay what production answered (the row's recorded output, tool calls, retrieval).
    context = case.get("context") or {}
    return {
        "output": case.get("output"),
        "tool_calls": context.get("tool_calls"),
        "retrieved": context.get("retrieved"),
    }


for line in sys.stdin:
    if not line.strip():
        continue
    request = json.loads(line)
    try:
        reply = {key: value for key, value in answer(request["input"], request["case"]).items() if value is not None}
        reply.setdefault("output", None)
    except Exception as error:  # a failed case, not a dead process
        reply = {"error": f"{type(error).__name__}: {error}"}
    reply["id"] = request["id"]
    sys.stdout.write(json.dumps(reply) + "\\n")
    sys.stdout.flush()
`;
}

function goAdapter(): string {
  return `// The task tracegate runs (tracegate.config.json: "task": "cmd:go run ./cmd/tracegate-task").
//
// One long-lived process speaking JSON lines on stdio. tracegate writes one request per line:
//
//	{"id": 1, "input": {"question": "What is the refund window?"}, "case": {...the dataset row...}}
//
// and reads one reply per line, with the same id: {"id": 1, "output": "30 days"} or
// {"id": 1, "error": "what went wrong"}. Every line on stdout must be a reply: log to stderr.
// See https://github.com/tracegate/tracegate/blob/main/docs/tasks.md
package main

import (
	"bufio"
	"encoding/json"
	"os"
)

type request struct {
	ID    int                        \`json:"id"\`
	Input json.RawMessage            \`json:"input"\`
	Case  map[string]json.RawMessage \`json:"case"\`
}

// answer is where your app is called. Until it is wired, it replays what production answered
// (the row's recorded output, tool calls and retrieval).
func answer(req request) map[string]any {
	reply := map[string]any{"output": nil}
	if out, ok := req.Case["output"]; ok {
		reply["output"] = out
	}
	var context map[string]json.RawMessage
	if raw, ok := req.Case["context"]; ok && json.Unmarshal(raw, &context) == nil {
		for _, key := range []string{"tool_calls", "retrieved"} {
			if v, ok := context[key]; ok && string(v) != "null" {
				reply[key] = v
			}
		}
	}
	return reply
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	out := json.NewEncoder(os.Stdout) // Encode writes one line per value
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			continue
		}
		reply := answer(req)
		reply["id"] = req.ID
		_ = out.Encode(reply)
	}
}
`;
}
