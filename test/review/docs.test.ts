import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repo } from '../helpers/cli.js';

// The documentation's copy-paste blocks are checked against the code: the scheduled harvest workflow uses
// only inputs action.yml declares, with least-privilege permissions; the Collector config parses.
const read = (p: string) => readFileSync(path.join(repo, p), 'utf8');
const blocks = (md: string, lang: string) =>
  [...md.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

test('docs/review.md: the scheduled harvest workflow is least-privilege and uses declared inputs', () => {
  const [workflow] = blocks(read('docs/review.md'), 'yaml').map((y) => parse(y));
  expect(workflow.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
  expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
  const step = workflow.jobs.harvest.steps.find((s: any) => s.with?.mode === 'harvest');
  const inputs = Object.keys(parse(read('action.yml')).inputs);
  for (const key of Object.keys(step.with))
    expect({ key, declared: inputs.includes(key) }).toEqual({ key, declared: true });
  expect(inputs).toEqual(
    expect.arrayContaining(['mode', 'harvest-from', 'harvest-since', 'min-occurrences', 'distinct-by']),
  );
});

test('docs/online.md: the Collector configuration parses and forwards OTLP/HTTP JSON to the receiver', () => {
  const yaml = blocks(read('docs/online.md'), 'yaml').join('\n---\n');
  const docs = parseAllDocuments(yaml).map((d) => d.toJS());
  expect(docs.every((d) => d && typeof d === 'object')).toBe(true);
  const tier2 = docs.find((d) => d.exporters?.otlphttp);
  expect(tier2.exporters.otlphttp).toEqual({ endpoint: 'http://127.0.0.1:4318', encoding: 'json' });
  expect(docs.find((d) => d.exporters?.loadbalancing).exporters.loadbalancing.routing_key).toBe('traceID');
});
