// Scoring throughput of the built-in scorers over 100,000 recorded outputs (imports lib/: `npm run bench`
// builds it). Prints figures only; nothing here passes or fails on timing.
//   json-schema on a realistic answer schema (target ≥ 100,000 cases/s), side by side with autoevals'
//   ValidJSON, which compiles the schema on every call; unsupported-claims on 100-word answers (target ≥ 5,000/s).
import { jsonSchema, unsupportedClaims, toolCall, citationGrounding } from '../lib/scorers/index.js';
import { ValidJSON } from 'autoevals';

const N = 100_000;
const ctx = { cwd: process.cwd() };
const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** The demo app's answer schema, grown to what a production answer carries (formats included). */
const ANSWER_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    answer: { type: 'string', minLength: 1, maxLength: 2000 },
    citations: {
      type: 'array',
      items: { type: 'string', pattern: '^kb-[0-9]+$' },
      minItems: 1,
      uniqueItems: true,
    },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    intent: { enum: ['billing', 'shipping', 'account', 'other'] },
    escalate: { type: 'boolean' },
    contact: { type: 'string', format: 'email' },
    follow_up_at: { type: 'string', format: 'date-time' },
    ticket: {
      type: 'object',
      properties: { priority: { enum: ['low', 'normal', 'urgent'] }, summary: { type: 'string' } },
      required: ['priority'],
      additionalProperties: false,
    },
  },
  required: ['answer', 'citations', 'confidence', 'intent'],
  additionalProperties: false,
};
const { $schema: _drop, ...SCHEMA_FOR_AUTOEVALS } = ANSWER_SCHEMA;
const NO_FORMATS = JSON.parse(JSON.stringify(SCHEMA_FOR_AUTOEVALS).replace(/,"format":"[a-z-]+"/g, ''));

const WORDS =
  'refund plan order shipping account password storage invoice seat upgrade export team billing'.split(' ');
function recordedOutput(i) {
  const o = {
    answer: `Your ${WORDS[i % WORDS.length]} request ${i} is handled; see the help centre for ${WORDS[(i * 7) % WORDS.length]}.`,
    citations: [`kb-${i % 9}`, `kb-${(i % 9) + 10}`],
    confidence: (i % 100) / 100,
    intent: ['billing', 'shipping', 'account', 'other'][i % 4],
    escalate: i % 3 === 0,
    contact: `user${i}@example.com`,
    follow_up_at: `2026-0${1 + (i % 9)}-1${i % 9}T10:00:00Z`,
    ticket: { priority: ['low', 'normal', 'urgent'][i % 3], summary: `case ${i}` },
  };
  // One in ten is a real failure shape: a wrong enum, a missing field, a bad email, a stringified number.
  switch (i % 40) {
    case 1:
      o.intent = 'refunds';
      break;
    case 11:
      delete o.citations;
      break;
    case 21:
      o.contact = `user${i} at example.com`;
      break;
    case 31:
      o.confidence = String(o.confidence);
      break;
  }
  return JSON.stringify(o);
}

function time(label, n, fn) {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  return { label, n, ms, perSecond: (n / ms) * 1000, out };
}
async function timeAsync(label, n, fn) {
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  return { label, n, ms, perSecond: (n / ms) * 1000, out };
}
const report = (r, extra = '') =>
  console.log(
    `${r.label.padEnd(58)} ${fmt(r.perSecond).padStart(10)} cases/s  (${fmt(r.n)} in ${r.ms.toFixed(0)} ms)${extra}`,
  );

// ---------------------------------------------------------------- json-schema
const outputs = Array.from({ length: N }, (_, i) => recordedOutput(i));
const scorer = jsonSchema.create(jsonSchema.options.parse({ schema: ANSWER_SCHEMA }), ctx);
for (let i = 0; i < 2000; i++) scorer({ input: null, output: outputs[i] }); // warm-up (JIT, compile once)

const sync = time('json-schema (compiled once), sync loop', N, () => {
  let valid = 0;
  for (let i = 0; i < N; i++) if (scorer({ input: null, output: outputs[i] }).score === 1) valid++;
  return valid;
});
report(sync, `, ${fmt(sync.out)} valid`);
const awaited = await timeAsync('json-schema (compiled once), awaited like the runner', N, async () => {
  let valid = 0;
  for (let i = 0; i < N; i++) if ((await scorer({ input: null, output: outputs[i] })).score === 1) valid++;
  return valid;
});
report(awaited);

// autoevals ValidJSON compiles the schema with a new Ajv on every call; measured on a slice and on the
// format-free variant of the schema (with `format` it cannot compile and silently scores 0).
const SLICE = 1_000;
const theirs = await timeAsync('autoevals ValidJSON (recompiles per call), no formats', SLICE, async () => {
  let valid = 0;
  for (let i = 0; i < SLICE; i++)
    if ((await ValidJSON({ output: outputs[i], schema: NO_FORMATS })).score === 1) valid++;
  return valid;
});
report(theirs);
const oursNoFormats = jsonSchema.create(jsonSchema.options.parse({ schema: NO_FORMATS }), ctx);
let agree = 0;
for (let i = 0; i < SLICE; i++) {
  const a = oursNoFormats({ input: null, output: outputs[i] }).score === 1;
  const b = (await ValidJSON({ output: outputs[i], schema: NO_FORMATS })).score === 1;
  if (a === b) agree++;
}
let silentZero = 0;
for (let i = 0; i < 200; i++)
  if ((await ValidJSON({ output: outputs[i * 40], schema: SCHEMA_FOR_AUTOEVALS })).score === 0) silentZero++; // all valid
console.log(
  `ratio json-schema / ValidJSON (awaited, same schema):     ${(awaited.perSecond / theirs.perSecond).toFixed(0)}×`,
);
console.log(
  `agreement on valid/invalid over ${fmt(SLICE)} format-free outputs:   ${((agree / SLICE) * 100).toFixed(2)}%`,
);
console.log(
  `ValidJSON on the schema with format: email/date-time:    ${silentZero}/200 valid outputs scored 0`,
);

// ---------------------------------------------------------------- unsupported-claims
const KB = [
  'The Pro plan costs $12 per user per month. The Team plan costs $20 per user per month. Annual billing saves 15% compared with monthly billing.',
  'Refunds are available within 30 days of purchase for annual plans. Monthly plans are not refundable. Contact billing@acme.example for help.',
  'Hardware security keys ship within 3 business days of the order. Orders over $50 ship free to Germany, France and the Netherlands.',
  'Free accounts include 5 GB of storage. Pro accounts include 2 TB of storage. Storage upgrades start on the 1st of each month.',
  'Human support is available Monday to Friday, 9:00 to 17:00 CET, at https://acme.example/support and by phone.',
];
// The answers below draw on kb-0..kb-2; each case retrieves those three plus one other, in varying order.
const retrievedSets = Array.from({ length: 20 }, (_, j) =>
  [0, 1, 2, 3 + (j % 2)]
    .map((k, r) => ({ id: `kb-${k}`, text: KB[k], score: 4 - r }))
    .sort(() => (j % 3) - 1),
);
const FILLER = [
  'You can change this at any time from the settings page of your workspace, and the change applies to every member of the team straight away without any further action needed from you or your administrators. We are always glad to help with anything else you might need.',
  'Nothing else changes for the people on your team, so their files, their folders and their shared links keep working exactly as before, and nobody has to sign in again. We are always glad to help with anything else you might need.',
];
function answer100(i) {
  const price = i % 10 === 0 ? `$${13 + (i % 7)}` : '$12'; // one in ten invents a price
  const w = WORDS[i % WORDS.length];
  const text = `Thanks for asking about the ${w} question. The Pro plan costs ${price} per user per month, and annual billing saves 15% compared with monthly billing. Refunds are available within 30 days of purchase for annual plans. ${FILLER[i % 2]} If anything about your ${w} is unclear, write to billing@acme.example and our team in Germany will help you within 3 business days.`;
  return JSON.stringify({ answer: text, citations: ['kb-0'] });
}
const words = JSON.parse(answer100(1)).answer.split(/\s+/).length;
const claimsScorer = unsupportedClaims.create(unsupportedClaims.options.parse({}), ctx);
const M = N;
const claimCases = Array.from({ length: M }, (_, i) => ({
  input: { question: 'How much is Pro?' },
  output: answer100(i),
  retrieved: retrievedSets[i % 20],
}));
for (let i = 0; i < 500; i++) await claimsScorer(claimCases[i]); // warm-up (loads the wink model)
// CPU time beside wall time: on a shared machine the wall-clock rate mostly measures the neighbours.
const cpu0 = process.cpuUsage();
const claims = await timeAsync(`unsupported-claims, ${words}-word answers`, M, async () => {
  let flagged = 0;
  for (let i = 0; i < M; i++) if ((await claimsScorer(claimCases[i])).score < 1) flagged++;
  return flagged;
});
const cpu = process.cpuUsage(cpu0);
report(
  claims,
  `, ${fmt(claims.out)} flagged (the filler sentences are not in the KB); ${fmt(M / ((cpu.user + cpu.system) / 1e6))} cases per CPU-second (target ≥ 5,000)`,
);
// The same answers through citation-grounding, each sentence checked against the chunk it cites.
const grounding = citationGrounding.create(citationGrounding.options.parse({}), ctx);
const citedCases = claimCases.slice(0, 20_000).map((c, i) => ({
  ...c,
  output: JSON.stringify({ answer: JSON.parse(c.output).answer.replace(/\. /g, ` [kb-${i % 3}]. `) }),
}));
const cited = await timeAsync(
  `citation-grounding, ${words}-word answers citing a chunk`,
  citedCases.length,
  async () => {
    let flagged = 0;
    for (const c of citedCases) if ((await grounding(c)).score < 1) flagged++;
    return flagged;
  },
);
report(cited, `, ${fmt(cited.out)} flagged`);
console.log(
  `ratio citation-grounding / unsupported-claims (same answers):  ${(cited.perSecond / claims.perSecond).toFixed(2)}`,
);

// ---------------------------------------------------------------- tool-call (for reference)
const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string', pattern: '^ORD-[0-9]{5}$' } },
        required: ['order_id'],
      },
    },
  },
];
const tc = toolCall.create(toolCall.options.parse({ strict: true }), ctx);
const toolCases = Array.from({ length: N }, (_, i) => ({
  input: null,
  output: '',
  context: { tools: TOOLS },
  expected: { tool_calls: [{ name: 'lookup_order', arguments: { order_id: `ORD-${10000 + (i % 90000)}` } }] },
  toolCalls: [
    {
      name: 'lookup_order',
      arguments: JSON.stringify({ order_id: i % 10 ? `ORD-${10000 + (i % 90000)}` : 10000 + i }),
    },
  ],
}));
const tools = time('tool-call (strict), one call per case', N, () => {
  let ok = 0;
  for (let i = 0; i < N; i++) if (tc(toolCases[i]).score === 1) ok++;
  return ok;
});
report(tools, `, ${fmt(tools.out)} passed`);
