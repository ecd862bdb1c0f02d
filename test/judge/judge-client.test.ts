import { JudgeClient, JudgeError, apiForModel, type JudgeRequest } from '../../src/judge/judge-client.js';
import { parseRetryAfter, retryDelay, DEFAULT_RETRY_POLICY } from '../../src/judge/retry.js';
import { verdictTool } from '../../src/judge/judge-scorer.js';
import { startOpenAIServer, type OpenAIServer, type OpenAIServerOptions } from '../servers/openai-server.js';
import { verdictReply } from './helpers.js';

const KEY = 'sk-proj-TESTKEY0123456789abcdef';

function request(api: 'chat' | 'responses' = 'chat'): JudgeRequest {
  return {
    model: 'gpt-4.1-mini-2025-04-14',
    api,
    messages: [{ role: 'user', content: 'Is the sky blue? (A) yes (B) no' }],
    tool: verdictTool(['A', 'B'], false),
    temperature: 0,
  };
}

/** A server and a client with fast retries; the server counts every request. */
async function setup(
  options: OpenAIServerOptions,
  client: Partial<Parameters<typeof JudgeClient.create>[0]> = {},
) {
  const server = await startOpenAIServer({
    reply: (body) => verdictReply(body, { reasoning: 'it is', choice: 'A' }),
    ...options,
  });
  const judge = await JudgeClient.create({
    apiKey: KEY,
    baseUrl: server.url,
    timeoutMs: 5000,
    maxConcurrency: 4,
    retry: { baseDelayMs: 10, maxDelayMs: 50, maxRetries: 3, maxRetryWaitMs: 5000 },
    ...client,
  });
  return { server, judge };
}

describe('judge client wire formats', () => {
  let server: OpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads the verdict from a chat-completions tool call, with usage', async () => {
    const s = await setup({ usage: () => ({ input: 120, output: 30 }) });
    server = s.server;
    const reply = await s.judge.complete(request('chat'));
    expect(reply).toMatchObject({ arguments: { reasoning: 'it is', choice: 'A' }, attempts: 1 });
    expect(reply.usage).toEqual({ input_tokens: 120, output_tokens: 30 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].path).toBe('/v1/chat/completions');
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0].body.tools[0].function.parameters.properties.choice.enum).toEqual(['A', 'B']);
  });

  it('reads the verdict from the responses API function_call output', async () => {
    const s = await setup({ usage: () => ({ input: 200, output: 10 }) });
    server = s.server;
    const reply = await s.judge.complete(request('responses'));
    expect(reply.arguments).toEqual({ reasoning: 'it is', choice: 'A' });
    expect(reply.usage).toEqual({ input_tokens: 200, output_tokens: 10 });
    expect(server.requests[0].path).toBe('/v1/responses');
    expect(server.requests[0].body.tool_choice).toEqual({ type: 'function', name: 'select_choice' });
    expect(server.requests[0].body.input[0]).toEqual({
      role: 'user',
      content: request().messages[0].content,
    });
  });

  it('uses the responses API only for models that need it, unless configured', () => {
    expect(apiForModel('gpt-4.1-mini-2025-04-14', 'auto')).toBe('chat');
    expect(apiForModel('o3-pro-2025-06-10', 'auto')).toBe('responses');
    expect(apiForModel('gpt-5-pro', 'auto')).toBe('responses');
    expect(apiForModel('gpt-4o', 'responses')).toBe('responses');
  });
});

describe('judge client faults', () => {
  let server: OpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('waits as long as Retry-After says on a 429, then succeeds (gap measured at the server)', async () => {
    const s = await setup({
      fault: (_b, n) =>
        n === 1
          ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down' } } }
          : undefined,
    });
    server = s.server;
    const reply = await s.judge.complete(request());
    expect(reply.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    const gap = server.requests[1].at - server.requests[0].at;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(1500);
  });

  it('retries 500s with backoff and gives up after max_retries with the reason', async () => {
    const s = await setup({
      fault: () => ({ status: 500, body: { error: { message: 'upstream exploded' } } }),
    });
    server = s.server;
    const error = await s.judge.complete(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JudgeError);
    expect((error as Error).message).toMatch(/500 upstream exploded \(gave up after 4 attempts\)/);
    expect(server.requests).toHaveLength(4);
    expect(s.judge.retries).toBe(3);
  });

  it('recovers from two 500s', async () => {
    const s = await setup({ fault: (_b, n) => (n <= 2 ? { status: 503 } : undefined) });
    server = s.server;
    expect((await s.judge.complete(request())).attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('fails at once when Retry-After is longer than max_retry_wait_ms', async () => {
    const s = await setup({ fault: () => ({ status: 429, headers: { 'retry-after': '3600' } }) });
    server = s.server;
    const error = await s.judge.complete(request()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /asked to retry after 3600 s, longer than judge\.max_retry_wait_ms/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry malformed tool arguments: a clear error', async () => {
    const s = await setup({ reply: (body) => verdictReply(body, '{"reasoning": "ok", "choice": ') });
    server = s.server;
    const error = await s.judge.complete(request()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/select_choice arguments are not JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it('retries slow responses that pass the timeout, then gives up', async () => {
    const s = await setup({ latencyMs: 400 }, { timeoutMs: 100, retry: { baseDelayMs: 5, maxRetries: 1 } });
    server = s.server;
    const error = await s.judge.complete(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JudgeError);
    expect((error as Error).message).toMatch(/judge request failed: (Request timed out|Connection error)/);
    expect(server.requests).toHaveLength(2);
  });

  it('never puts the key into an error, even when the server echoes the Authorization header', async () => {
    const s = await setup({
      fault: (_b, _n, headers) => ({
        status: 401,
        body: {
          error: {
            message: `Incorrect API key provided: ${headers.authorization}`,
            type: 'invalid_request_error',
          },
        },
      }),
    });
    server = s.server;
    const error = (await s.judge.complete(request()).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/401 Incorrect API key provided: Bearer \[redacted\]/);
    expect(error.message).not.toContain(KEY);
    expect(String(error.stack)).not.toContain(KEY);
    expect(server.requests).toHaveLength(1); // 401 is not retried
  });

  it('after a refused key, fails further calls at once without sending them', async () => {
    const s = await setup({ fault: () => ({ status: 401, body: { error: { message: 'bad key' } } }) });
    server = s.server;
    await expect(s.judge.complete(request())).rejects.toThrow(/401 bad key/);
    await expect(s.judge.complete(request())).rejects.toThrow(/401 bad key/);
    expect(server.requests).toHaveLength(1);
  });

  it('counts a judge unreachable after three failed requests in a row, and stops trying', async () => {
    const dead = await startOpenAIServer();
    const url = dead.url;
    await dead.close();
    const judge = await JudgeClient.create({
      apiKey: KEY,
      baseUrl: url,
      timeoutMs: 2000,
      maxConcurrency: 1,
      retry: { baseDelayMs: 5, maxRetries: 1 },
    });
    const errors = await Promise.all(
      Array.from({ length: 6 }, () =>
        judge.complete(request()).then(
          () => 'answered',
          (e: Error) => e.message,
        ),
      ),
    );
    expect(errors.slice(0, 3).every((m) => /Connection error\. \(gave up after 2 attempts\)/.test(m))).toBe(
      true,
    );
    expect(errors.slice(3).every((m) => /^judge unreachable \(3 requests failed in a row\)/.test(m))).toBe(
      true,
    );
    expect(judge.requests).toBe(6); // 3 requests × 2 attempts; the last three were never sent
  });

  it('retries a dropped connection', async () => {
    const s = await setup({ fault: (_b, n) => (n === 1 ? { status: 0, destroy: true } : undefined) });
    server = s.server;
    expect((await s.judge.complete(request())).attempts).toBe(2);
  });

  it('keeps at most max_concurrency requests in flight (counted at the server)', async () => {
    const s = await setup({ latencyMs: 60 }, { maxConcurrency: 3 });
    server = s.server;
    await Promise.all(Array.from({ length: 12 }, () => s.judge.complete(request())));
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBe(3);
    expect(s.judge.maxInFlight).toBe(3);
  });
});

describe('retry timing', () => {
  const headers = (h: Record<string, string>) => ({ get: (k: string) => h[k] ?? null });

  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after': 'Wed, 01 Dec 2026 20:00:10 GMT' }, 10000],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('parses %j as %s ms', (h, ms) => {
    expect(parseRetryAfter(headers(h), Date.parse('Wed, 01 Dec 2026 20:00:00 GMT'))).toBe(ms);
  });

  it('backs off exponentially with jitter between half and all of the cap, honouring Retry-After', () => {
    const policy = DEFAULT_RETRY_POLICY;
    expect(retryDelay(0, undefined, policy, () => 0)).toBe(250);
    expect(retryDelay(0, undefined, policy, () => 1)).toBe(500);
    expect(retryDelay(3, undefined, policy, () => 1)).toBe(4000);
    expect(retryDelay(10, undefined, policy, () => 1)).toBe(8000);
    expect(retryDelay(0, 1000, policy, () => 0)).toBe(1000);
    expect(retryDelay(0, 1000, policy, () => 1)).toBe(1100);
    expect(retryDelay(0, 61000, policy, () => 0)).toBeUndefined();
  });
});
