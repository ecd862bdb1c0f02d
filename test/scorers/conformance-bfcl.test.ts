/**
 * tool-call against the Berkeley Function Calling Leaderboard (BFCL v4 simple_python and multiple): the
 * ground-truth call of every entry must pass, and four perturbations of it must fail (a wrong function, a
 * stringified number, an extra parameter, a missing required parameter). Data in ../shared/conformance/bfcl
 * (see its SOURCE.txt); a fresh clone without it skips this test.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toolCall } from '../../scorers/tool-call.js';
import { repoRoot } from './helpers.js';

const BFCL = path.resolve(repoRoot, '..', 'shared', 'conformance', 'bfcl');
const FILES = ['BFCL_v4_simple_python.json', 'BFCL_v4_multiple.json'];

/**
 * Disagreements accepted: BFCL data errors, where the ground truth contradicts the function's own schema, so
 * tool-call is right to fail it. Each must still disagree (the list stays honest).
 */
const ACCEPTED: Record<string, string> = {
  'simple_python_307 ground truth': 'BFCL gives venue=true, but the function declares venue a string',
};

interface BfclFunction {
  name: string;
  parameters: { type: string; properties: Record<string, unknown>; required?: string[] };
}

/** BFCL's Python-flavoured types as JSON Schema: dict = object, float = number, tuple = array, any = anything. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' && typeof value === 'string') {
      if (value !== 'any')
        out.type =
          ({ dict: 'object', float: 'number', tuple: 'array' } as Record<string, string>)[value] ?? value;
    } else if (key === 'optional' || key === 'default') continue;
    else out[key] = toJsonSchema(value);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * BFCL writes acceptable values as lists at every level of a dict (`{"min": [300000]}`), "" meaning "may be
 * omitted". The answer takes the first acceptable value of each; the expectation accepts any of them.
 */
function pickAnswer(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pickAnswer);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, acceptable] of Object.entries(value)) {
    const values = (acceptable as unknown[]).filter((v) => v !== '');
    if (values.length) out[key] = pickAnswer(values[0]);
  }
  return out;
}

function toMatcher(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toMatcher);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, acceptable] of Object.entries(value)) {
    const values = (acceptable as unknown[]).filter((v) => v !== '');
    if (values.length) out[key] = { $oneOf: values.map(toMatcher) };
  }
  return out;
}

function readLines(file: string): Array<Record<string, any>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

interface Trial {
  id: string;
  kind: 'ground truth' | 'wrong function' | 'stringified number' | 'extra parameter' | 'missing required';
  shouldPass: boolean;
  call: { name: string; arguments: string };
}

function trialsFor(
  entry: Record<string, any>,
  truth: Record<string, Record<string, unknown[]>>,
): {
  tools: unknown[];
  expected: Array<{ name: string; arguments: Record<string, unknown> }>;
  trials: Trial[];
} {
  const functions = entry.function as BfclFunction[];
  const tools = functions.map((f) => ({
    type: 'function',
    function: { name: f.name, parameters: toJsonSchema(f.parameters) },
  }));
  const [name, params] = Object.entries(truth)[0];
  const fn = functions.find((f) => f.name === name)!;
  const args = pickAnswer(params) as Record<string, unknown>;
  const expectedArgs = toMatcher(params) as Record<string, unknown>;
  const id = entry.id as string;
  const trials: Trial[] = [
    { id, kind: 'ground truth', shouldPass: true, call: { name, arguments: JSON.stringify(args) } },
  ];
  const other = functions.find((f) => f.name !== name)?.name ?? `${name}_v2`;
  trials.push({
    id,
    kind: 'wrong function',
    shouldPass: false,
    call: { name: other, arguments: JSON.stringify(args) },
  });
  const numeric = Object.keys(args).find(
    (p) =>
      typeof args[p] === 'number' &&
      ['integer', 'float', 'number'].includes((fn.parameters.properties[p] as { type?: string })?.type ?? ''),
  );
  if (numeric) {
    trials.push({
      id,
      kind: 'stringified number',
      shouldPass: false,
      call: { name, arguments: JSON.stringify({ ...args, [numeric]: String(args[numeric]) }) },
    });
  }
  trials.push({
    id,
    kind: 'extra parameter',
    shouldPass: false,
    call: { name, arguments: JSON.stringify({ ...args, unexpected_param: 1 }) },
  });
  const required = (fn.parameters.required ?? []).find((p) => p in args);
  if (required) {
    const { [required]: _dropped, ...rest } = args;
    trials.push({
      id,
      kind: 'missing required',
      shouldPass: false,
      call: { name, arguments: JSON.stringify(rest) },
    });
  }
  return { tools, expected: [{ name, arguments: expectedArgs }], trials };
}

if (!existsSync(BFCL)) {
  console.warn(`BFCL data not found at ${BFCL}: skipping the tool-call BFCL test.`);
  describe.skip('tool-call vs BFCL (data absent)', () => {
    it('needs ../shared/conformance/bfcl', () => undefined);
  });
} else {
  describe('tool-call vs BFCL ground truth and perturbations', () => {
    // BFCL's rule: no parameter the function does not declare, so strict mode.
    const score = toolCall.create(toolCall.options.parse({ strict: true }), { cwd: repoRoot });

    it.each(FILES)('%s', async (file) => {
      const entries = readLines(path.join(BFCL, file));
      const answers = new Map(
        readLines(path.join(BFCL, 'possible_answer', file)).map((a) => [a.id as string, a.ground_truth[0]]),
      );
      const wrong: string[] = [];
      const accepted: string[] = [];
      const counts: Record<string, number> = {};
      for (const entry of entries) {
        const truth = answers.get(entry.id);
        if (!truth) continue;
        const { tools, expected, trials } = trialsFor(entry, truth);
        for (const t of trials) {
          const result = await score({
            input: entry.question,
            output: '',
            expected: { tool_calls: expected },
            context: { tools },
            toolCalls: [t.call],
          });
          counts[t.kind] = (counts[t.kind] ?? 0) + 1;
          if ((result.score === 1) !== t.shouldPass) {
            if (ACCEPTED[`${t.id} ${t.kind}`]) {
              accepted.push(`${t.id} ${t.kind}: ${ACCEPTED[`${t.id} ${t.kind}`]}`);
              continue;
            }
            wrong.push(
              `${t.id} ${t.kind}: score ${result.score}${result.metadata?.reason ? ` (${result.metadata.reason})` : ''}`,
            );
          }
        }
      }
      console.log(
        `${file}: ${Object.entries(counts)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}; ${wrong.length} disagreements; accepted: ${accepted.join('; ') || 'none'}`,
      );
      expect(counts['ground truth']).toBeGreaterThanOrEqual(entries.length * 0.9);
      expect(wrong).toEqual([]);
      const stale = Object.keys(ACCEPTED).filter((k) =>
        k.startsWith(file.includes('multiple') ? 'multiple_' : 'simple_python_'),
      );
      expect(accepted.length).toBe(stale.length);
    });
  });
}
