import { createServer, type Server } from 'node:http';
import { readBody } from './read-body.js';
import type { AddressInfo } from 'node:net';

/** One request the server received: path and parsed JSON body. */
export interface RecordedRequest {
  path: string;
  body: any;
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
   * Answer a request with an error instead (e.g. a 401 whose message echoes the Authorization header, as
   * some gateways do): return the status and the JSON body, or undefined to answer normally.
   */
  reject?: (
    headers: Record<string, string | string[] | undefined>,
  ) => { status: number; body: unknown } | undefined;
}

export interface OpenAIServer {
  /** Base URL for the OpenAI client, ending in /v1. */
  url: string;
  requests: RecordedRequest[];
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

/**
 * A local OpenAI-compatible HTTP server for tests: `POST /v1/chat/completions` (non-streaming, with tool
 * calls and usage) and `POST /v1/embeddings`. Replies are scripted, so tests see real HTTP, real client
 * code and real instrumentation, and never the network.
 */
export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const requests: RecordedRequest[] = [];
  const model = options.model ?? 'gpt-test-2026-01-01';
  let counter = 0;
  const server: Server = createServer(async (req, res) => {
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
    requests.push({ path, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${++counter}` });
      res.end(JSON.stringify(payload));
    };
    const rejected = options.reject?.(req.headers);
    if (rejected) return send(rejected.status, rejected.body);
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
      const promptTokens = JSON.stringify(body.messages ?? []).length >> 2;
      const completionTokens = JSON.stringify(message).length >> 2;
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
