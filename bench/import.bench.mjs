// Import + cluster benchmark: 100,000 OTLP spans (20,000 traces of 5 spans: root, retrieval, two model
// calls with GenAI attributes, a tool call) in ONE OTLP/JSON document, exported the way a batch span
// processor does (children before their root, several traces interleaved). Measures the time to import and
// cluster them and the peak RSS of the process, each size in a fresh process; a run at twice the size shows
// that memory follows the number of clusters, not the file size.
//
// node bench/import.bench.mjs            (after `npm run build`; `npm run bench` does both)
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const TOOLS = Array.from({ length: 40 }, (_, i) => `tool_${i}`);
const QUESTIONS = Array.from(
  { length: 60 },
  (_, i) =>
    `How do I change the ${['plan', 'address', 'card', 'email', 'order', 'refund'][i % 6]} setting number ${i} for account`,
);

function attr(key, value) {
  if (typeof value === 'number')
    return { key, value: Number.isInteger(value) ? { intValue: value } : { doubleValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  return { key, value: { stringValue: value } };
}

function hex(n, width) {
  return n.toString(16).padStart(width, '0');
}

/** The 5 spans of trace t, children first (spans are exported when they end; the root ends last). */
function traceSpans(t) {
  const traceId = hex(t + 1, 32);
  const id = (k) => hex(t * 8 + k + 1, 16);
  const t0 = BigInt(1795168800 + t) * 1_000_000_000n;
  const ns = (ms) => String(t0 + BigInt(ms) * 1_000_000n);
  const question = `${QUESTIONS[t % QUESTIONS.length]} ${10000 + t}? I am user${t}@example.com`;
  const failing = t % 10 < 3;
  const tool = TOOLS[t % TOOLS.length];
  const args = JSON.stringify({ account_id: `acc-${t}`, value: failing ? 'bad' : t });
  const base = { traceId, kind: 1, status: {} };
  return [
    {
      ...base,
      spanId: id(1),
      parentSpanId: id(0),
      name: 'retrieve_docs',
      startTimeUnixNano: ns(5),
      endTimeUnixNano: ns(30),
      attributes: [
        attr('openinference.span.kind', 'RETRIEVER'),
        ...[0, 1, 2].flatMap((d) => [
          attr(`retrieval.documents.${d}.document.id`, `kb-${(t + d) % 500}`),
          attr(
            `retrieval.documents.${d}.document.content`,
            `Document ${(t + d) % 500}: how settings work, in about a dozen words of text.`,
          ),
          attr(`retrieval.documents.${d}.document.score`, 0.9 - d * 0.1),
        ]),
      ],
    },
    {
      ...base,
      kind: 3,
      spanId: id(2),
      parentSpanId: id(0),
      name: 'chat gpt-4.1',
      startTimeUnixNano: ns(31),
      endTimeUnixNano: ns(400),
      attributes: [
        attr('gen_ai.operation.name', 'chat'),
        attr('gen_ai.request.model', 'gpt-4.1'),
        attr('gen_ai.response.model', 'gpt-4.1-2025-04-14'),
        attr('gen_ai.usage.input_tokens', 320),
        attr('gen_ai.usage.output_tokens', 24),
        attr(
          'gen_ai.system_instructions',
          JSON.stringify([{ type: 'text', content: 'You are the settings assistant.' }]),
        ),
        attr(
          'gen_ai.input.messages',
          JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: question }] }]),
        ),
        attr(
          'gen_ai.output.messages',
          JSON.stringify([
            {
              role: 'assistant',
              parts: [{ type: 'tool_call', id: `c${t}`, name: tool, arguments: JSON.parse(args) }],
            },
          ]),
        ),
      ],
    },
    {
      ...base,
      spanId: id(3),
      parentSpanId: id(0),
      name: `execute_tool ${tool}`,
      startTimeUnixNano: ns(401),
      endTimeUnixNano: ns(450),
      attributes: [
        attr('gen_ai.operation.name', 'execute_tool'),
        attr('gen_ai.tool.name', tool),
        attr('gen_ai.tool.call.id', `c${t}`),
        attr('gen_ai.tool.call.arguments', args),
        ...(failing ? [] : [attr('gen_ai.tool.call.result', JSON.stringify({ ok: true }))]),
      ],
      status: failing ? { code: 2, message: 'invalid value for argument value' } : {},
    },
    {
      ...base,
      kind: 3,
      spanId: id(4),
      parentSpanId: id(0),
      name: 'chat gpt-4.1',
      startTimeUnixNano: ns(451),
      endTimeUnixNano: ns(900),
      attributes: [
        attr('gen_ai.operation.name', 'chat'),
        attr('gen_ai.request.model', 'gpt-4.1'),
        attr('gen_ai.usage.input_tokens', 380),
        attr('gen_ai.usage.output_tokens', 40),
      ],
    },
    {
      ...base,
      kind: 2,
      spanId: id(0),
      name: 'support.answer',
      startTimeUnixNano: ns(0),
      endTimeUnixNano: ns(901),
      attributes: [
        attr('input.value', question),
        attr('output.value', failing ? 'Sorry, that did not work.' : 'Done: the setting is changed.'),
        attr('prompt.version', 'v14'),
      ],
    },
  ];
}

/** Write one OTLP/JSON document of `traces` traces; batches of 4 interleaved traces, as an exporter would. */
async function generate(file, traces) {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write(
    '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench"}}]},"scopeSpans":[{"scope":{"name":"bench"},"spans":[\n',
  );
  let first = true;
  for (let t = 0; t < traces; t += 4) {
    const group = [];
    for (let k = t; k < Math.min(t + 4, traces); k++) group.push(traceSpans(k));
    // Interleave: span i of each trace in turn (children of all four, then the four roots).
    for (let i = 0; i < 5; i++) {
      for (const spans of group) {
        await write((first ? '' : ',\n') + JSON.stringify(spans[i]));
        first = false;
      }
    }
  }
  await write('\n]}]}]}\n');
  await new Promise((resolve) => out.end(resolve));
}

async function child(file, mode) {
  const { collectClusters } = await import(path.resolve(path.dirname(self), '../lib/src/promote/promote.js'));
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await collectClusters({
    from: file,
    ...(mode === 'label' ? { label: 'tool-argument-error' } : { autoLabel: true }),
  });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs,
      maxRssMb,
      imported: result.stats.imported,
      skipped: result.stats.skipped,
      clusters: result.clusters.length,
      unlabelled: result.unlabelled,
    }),
  );
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracegate-bench-'));
  try {
    const rows = [];
    for (const traces of [20_000, 40_000]) {
      const file = path.join(dir, `otlp-${traces}.json`);
      await generate(file, traces);
      const mb = statSync(file).size / 1e6;
      for (const mode of traces === 20_000 ? ['label', 'auto-label'] : ['label']) {
        const run = spawnSync(process.execPath, [self, '--child', file, mode], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        });
        if (run.status !== 0) throw new Error(run.stderr);
        const r = JSON.parse(run.stdout);
        rows.push({ spans: traces * 5, traces, file_mb: mb.toFixed(0), mode, ...r });
      }
    }
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${cpus().length} cores (other work on the machine slows the wall clock)`,
    );
    console.log('spans    traces  file MB  labelling    imported  clusters  seconds  CPU s  peak RSS MB');
    for (const r of rows) {
      console.log(
        `${String(r.spans).padEnd(8)} ${String(r.traces).padEnd(7)} ${String(r.file_mb).padEnd(8)} ${r.mode.padEnd(12)} ${String(r.imported).padEnd(9)} ${String(r.clusters).padEnd(9)} ${(r.ms / 1000).toFixed(2).padEnd(8)} ${(r.cpuMs / 1000).toFixed(2).padEnd(6)} ${r.maxRssMb.toFixed(0)}`,
      );
    }
    const main = rows[0];
    const ok = main.ms < 5000 && main.maxRssMb < 500 && main.imported === 20_000 && main.skipped === 0;
    console.log(`target (100,000 spans, --label): under 5 s and 500 MB → ${ok ? 'met' : 'NOT met'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();
