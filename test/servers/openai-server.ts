import { createServer, type Server } from 'node:http';
import { readBody } from './read-body.js';
import type { AddressInfo } from 'node:net';

/** One request the server received: path, parsed JSON body, headers, and when it arrived. */
export interface RecordedRequest {
  path: string;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** performance.now() when the request arrived (retry gaps are measured with it). */
  at: number;
}

/** A fault the server answers with instead of a reply: an HTTP status with headers and a JSON body. */
export interface ServerFault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Close the connection without answering (a dropped connection). */
  destroy?: boolean;
}

/** What a scripted chat turn returns: text, or tool calls (OpenAI function-calling shape). */
export type ChatReply =
  { content: string } | { tool_calls: Array<{ name: string; arguments: unknown; id?: string }> };

export interface OpenAIServerOptions {
  /**
   * Decide the assistant's reply from the request body. The default: when tools are offered and no tool
   * result is in the conversation yet, call the first tool with `{}`; otherwise echo the last user message.
   */
  reply?: (body: any) => ChatReply;
  /** Model name reported back (the "response model"). */
  model?: string;
  /**
   * Answer a request with a fault instead (429 with Retry-After, 500, an error body echoing the key, a
   * dropped connection). `n` counts requests to the API route, from 1. Undefined: answer normally.
   */
  fault?: (
    body: any,
    n: number,
    headers: Record<string, string | string[] | undefined>,
  ) => ServerFault | undefined;
  /** Wait this long before answering (a slow judge; also what the judge bench's 200 ms server is). */
  latencyMs?: number | ((body: any) => number);
  /** Token counts to report (default: about 4 characters per token of the request and reply). */
  usage?: (body: any) => { input: number; output: number };
}

export interface OpenAIServer {
  /** Base URL for the OpenAI client, ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  /** Requests being answered right now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

function defaultReply(body: any): ChatReply {
  const messages: any[] = body.messages ?? [];
  const hasToolResult = messages.some((m) => m.role === 'tool');
  if (Array.isArray(body.tools) && body.tools.length && !hasToolResult) {
    return { tool_calls: [{ name: body.tools[0].function.name, arguments: {} }] };
  }
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return { content: `echo: ${typeof lastUser?.content === 'string' ? lastUser.content : ''}` };
}

/** The responses API's default: call the first offered tool with `{}`, else echo the input. */
function defaultResponsesReply(body: any): ChatReply {
  if (Array.isArray(body.tools) && body.tools.length)
    return { tool_calls: [{ name: body.tools[0].name, arguments: {} }] };
  return { content: `echo: ${typeof body.input === 'string' ? body.input : JSON.stringify(body.input)}` };
}

/**
 * A local OpenAI-compatible HTTP server for tests: `POST /v1/chat/completions` (non-streaming, with tool
 * calls and usage), `POST /v1/responses` (function_call output items) and `POST /v1/embeddings`, with
 * scripted faults (429 + Retry-After, 5xx, echoed keys, dropped connections) and latency. Replies are scripted, so tests see real HTTP, real client
 * code and real instrumentation, and never the network.
 */
export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  const model = options.model ?? 'gpt-test-2026-01-01';
  let counter = 0;
  let apiCalls = 0;
  const state = { inFlight: 0, maxInFlight: 0 };
  const server: Server = createServer(async (req, res) => {
    const at = performance.now();
    const raw = await readBody(req);
    let body: any = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'invalid JSON body', type: 'invalid_request_error' } }));
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    requests.push({ path, body, headers: req.headers, at });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-request-id': `req_${++counter}`,
        ...headers,
      });
      res.end(JSON.stringify(payload));
    };
    const isApi =
      req.method === 'POST' && (path.endsWith('/chat/completions') || path.endsWith('/responses'));
    if (isApi) {
      const n = ++apiCalls;
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        const latency =
          typeof options.latencyMs === 'function' ? options.latencyMs(body) : (options.latencyMs ?? 0);
        if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
        const fault = options.fault?.(body, n, req.headers);
        if (fault?.destroy) {
          req.socket.destroy();
          return;
        }
        if (fault) return send(fault.status, fault.body ?? { error: { message: 'fault' } }, fault.headers);
      } finally {
        state.inFlight--;
      }
    }
    const tokens = (reply: unknown) =>
      options.usage?.(body) ?? {
        input: JSON.stringify(body.messages ?? body.input ?? []).length >> 2,
        output: JSON.stringify(reply).length >> 2,
      };
    if (req.method === 'POST' && path.endsWith('/responses')) {
      const reply = (options.reply ?? defaultResponsesReply)(body);
      const n = ++counter;
      const output =
        'content' in reply
          ? [
              {
                type: 'message',
                id: `msg_${n}`,
                role: 'assistant',
                status: 'completed',
                content: [{ type: 'output_text', text: reply.content, annotations: [] }],
              },
            ]
          : reply.tool_calls.map((call, i) => ({
              type: 'function_call',
              id: `fc_${n}_${i}`,
              call_id: call.id ?? `call_${n}_${i}`,
              name: call.name,
              arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
              status: 'completed',
            }));
      const t = tokens(output);
      return send(200, {
        id: `resp_${n}`,
        object: 'response',
        created_at: Math.floor(Date.now() / 1000),
        status: 'completed',
        model,
        output,
        usage: {
          input_tokens: t.input,
          output_tokens: t.output,
          total_tokens: t.input + t.output,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens_details: { reasoning_tokens: 0 },
        },
      });
    }
    if (req.method === 'POST' && path.endsWith('/chat/completions')) {
      if (body.stream)
        return send(400, {
          error: { message: 'streaming is not supported by this test server', type: 'invalid_request_error' },
        });
      const reply = (options.reply ?? defaultReply)(body);
      const n = ++counter;
      const message: any = { role: 'assistant', content: null, refusal: null };
      let finish = 'stop';
      if ('content' in reply) message.content = reply.content;
      else {
        finish = 'tool_calls';
        message.tool_calls = reply.tool_calls.map((call, i) => ({
          id: call.id ?? `call_${n}_${i}`,
          type: 'function',
          function: {
            name: call.name,
            arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
          },
        }));
      }
      const t = tokens(message);
      const promptTokens = t.input;
      const completionTokens = t.output;
      return send(200, {
        id: `chatcmpl-${n}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    }
    if (req.method === 'POST' && path.endsWith('/embeddings')) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      return send(200, {
        object: 'list',
        model: body.model ?? 'text-embedding-test',
        data: inputs.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: Array.from(
            { length: 8 },
            (_, i) => ((String(text).charCodeAt(i % String(text).length) || 0) % 17) / 17,
          ),
        })),
        usage: { prompt_tokens: inputs.join(' ').length >> 2, total_tokens: inputs.join(' ').length >> 2 },
      });
    }
    send(404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
