import { createServer } from 'node:http';

/**
 * The demo's offline judge: a small OpenAI-compatible server (chat completions and the responses API) that
 * answers tracegate's faithfulness prompt without a model. It splits the answer into sentences and calls a
 * sentence supported when every number in it appears in the retrieved context and most of its words do.
 * That is crude next to a real judge, but deterministic and free, so `npx tracegate eval` shows the whole
 * judge path (prompt, tool call, cache, cost, calibration) with no API key. tracegate.config.json names it
 * in `judge.offline`; tracegate starts it only when no judge key is set, and gives its verdicts this
 * server's own model id, so they are never mistaken for the hosted judge's.
 *
 * Other prompts get a 400: a judge this crude must not pretend to grade factuality or rubrics.
 */

const STOPWORDS = new Set(
  'a an the is are was were be been do does did i my me you your we our to of for in on at by and or but if how what when can with it its this that as from not no yes all any'.split(
    ' ',
  ),
);

/** Content words, with a plural "s" dropped so "refund" matches "refunds". */
function words(text) {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((w) => w.length > 1 && !STOPWORDS.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

function numbers(text) {
  return text.match(/\$?\d+(?:[.,:]\d+)*/g) ?? [];
}

/** The answer text: the `answer` field of a JSON reply, else the whole output. */
function answerText(output) {
  try {
    const parsed = JSON.parse(output);
    if (parsed && typeof parsed.answer === 'string') return parsed.answer;
  } catch {
    // not JSON: the output is the answer
  }
  return output;
}

/** Judge one faithfulness prompt: claims, reasoning and choice. */
export function judgeFaithfulness(prompt) {
  const context = /\[Retrieved context\]:\n([\s\S]*?)\n\*{12}/.exec(prompt)?.[1] ?? '';
  const output = /\[Answer\]: ([\s\S]*?)\n\*{12}/.exec(prompt)?.[1] ?? '';
  const known = new Set(words(context));
  const knownNumbers = new Set(numbers(context));
  const sentences = answerText(output)
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim().replace(/…$/, ''))
    .filter((s) => words(s).length > 0);
  const claims = sentences.map((claim) => {
    const w = words(claim);
    const covered = w.filter((x) => known.has(x)).length / w.length;
    const numbersOk = numbers(claim).every((n) => knownNumbers.has(n));
    return { claim, verdict: numbersOk && covered >= 0.75 ? 'supported' : 'unsupported' };
  });
  const unsupported = claims.filter((c) => c.verdict !== 'supported');
  return {
    reasoning: unsupported.length
      ? `${unsupported.length} of ${claims.length} claim(s) are not in the retrieved context.`
      : `All ${claims.length} claim(s) are in the retrieved context.`,
    claims,
    choice: unsupported.length ? 'B' : 'A',
  };
}

function promptOf(body) {
  const messages =
    body.messages ?? (Array.isArray(body.input) ? body.input : [{ content: String(body.input ?? '') }]);
  return messages
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

/**
 * Start the server on a free local port. `latencyMs` delays every answer (the judge benchmark uses it to
 * stand in for a hosted judge's latency). Returns its base URL, request counters and `close()`.
 */
export async function startJudgeServer({ latencyMs = 0, model = 'tracegate-demo-judge-1' } = {}) {
  const stats = { requests: 0, inFlight: 0, maxInFlight: 0 };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', async () => {
      stats.requests++;
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      const send = (status, payload) => {
        stats.inFlight--;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      let body;
      try {
        body = JSON.parse(raw);
      } catch {
        return send(400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } });
      }
      const prompt = promptOf(body);
      if (!prompt.includes('[Retrieved context]:'))
        return send(400, {
          error: {
            message: 'the demo judge only answers the faithfulness prompt',
            type: 'invalid_request_error',
          },
        });
      const verdict = JSON.stringify(judgeFaithfulness(prompt));
      const inputTokens = Math.ceil(prompt.length / 4);
      const outputTokens = Math.ceil(verdict.length / 4);
      const path = (req.url ?? '').split('?')[0];
      if (path.endsWith('/responses')) {
        return send(200, {
          id: `resp_${stats.requests}`,
          object: 'response',
          status: 'completed',
          model,
          output: [
            {
              type: 'function_call',
              id: `fc_${stats.requests}`,
              call_id: `call_${stats.requests}`,
              name: body.tools?.[0]?.name ?? 'select_choice',
              arguments: verdict,
              status: 'completed',
            },
          ],
          usage: {
            input_tokens: inputTokens,
            output_tokens: outputTokens,
            total_tokens: inputTokens + outputTokens,
          },
        });
      }
      if (!path.endsWith('/chat/completions'))
        return send(404, {
          error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' },
        });
      send(200, {
        id: `chatcmpl-${stats.requests}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: `call_${stats.requests}`,
                  type: 'function',
                  function: { name: body.tools?.[0]?.function?.name ?? 'select_choice', arguments: verdict },
                },
              ],
            },
          },
        ],
        usage: {
          prompt_tokens: inputTokens,
          completion_tokens: outputTokens,
          total_tokens: inputTokens + outputTokens,
        },
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The CLI may exit while the server still listens: it must not keep the process alive.
  server.unref();
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
