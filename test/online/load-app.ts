import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OnlineScorer } from '../../src/online/online-scorer.js';

/** The support app's one tool, with the schema its arguments must follow. */
export const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string', pattern: '^[A-Z]-\\d{4}$' } },
        required: ['order_id'],
        additionalProperties: false,
      },
    },
  },
];

/**
 * A small HTTP app as production runs it: it answers `POST /ask`, and when given an online scorer, hands
 * each finished request to it after building the reply (one request in ten sends a malformed order id).
 */
export async function startSupportApp(
  scorer?: OnlineScorer,
): Promise<{ url: string; close(): Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const i = n++;
      const question = Buffer.concat(chunks).toString('utf8') || `Where is order A-${1000 + (i % 9000)}?`;
      const orderId = i % 10 === 3 ? `${1000 + (i % 9000)}` : `A-${1000 + (i % 9000)}`;
      const answer = `Order ${orderId} has shipped.`;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(answer);
      scorer?.submit({
        id: `req-${process.pid}-${i}`,
        input: { question },
        output: answer,
        tools: TOOLS,
        tool_calls: [{ name: 'lookup_order', arguments: { order_id: orderId } }],
        metadata: { user_id: `u${i % 50}` },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ask`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Send `count` requests with `concurrency` in flight over keep-alive connections; returns each request's
 * latency in ms and the status codes seen.
 */
export async function load(
  url: string,
  count: number,
  concurrency: number,
): Promise<{ latencies: number[]; statuses: Map<number, number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const req = httpRequest(url, { method: 'POST', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - started);
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', reject);
      req.end('Where is my order?');
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        await one();
      }
    }),
  );
  agent.destroy();
  return { latencies, statuses };
}
