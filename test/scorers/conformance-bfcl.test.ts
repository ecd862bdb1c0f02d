/**
 * tool-call against the Berkeley Function Calling Leaderboard (BFCL v4 simple_python, multiple, parallel and
 * parallel_multiple), by BFCL's rules: each expected call matched to exactly one actual call, in any order, the
 * number of calls equal, no undeclared parameter, every required one given, each value among the acceptable ones
 * (`""` among them: the parameter may be omitted). Every ground truth that satisfies its own function doc must
 * pass; each perturbation must fail; reversed parallel order and an omitted optional argument must pass. Data in
 * ../shared/conformance/bfcl (see its SOURCE.txt); without it the test prints a skip line naming the folder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { toolCall } from '../../scorers/tool-call.js';
import { repoRoot } from './helpers.js';
import { conformanceData } from './conformance-data.js';

const CATEGORIES = ['simple_python', 'multiple', 'parallel', 'parallel_multiple'] as const;

/** Perturbations that must fail, and variants that must pass, by BFCL's rules. */
const MUST_FAIL = [
  'wrong type',
  'nested wrong type',
  'missing required',
  'invalid enum',
  'another valid enum value',
  'extra undeclared argument',
  'unknown function',
  'another declared function',
  'dropped parallel call',
  'duplicated call',
] as const;
const MUST_PASS = ['ground truth', 'reversed parallel order', 'omitted optional argument'] as const;
type Kind = (typeof MUST_FAIL)[number] | (typeof MUST_PASS)[number];

/**
 * Cases where the scorer and BFCL's rule disagree and the scorer is right, each with its reason; the test fails
 * when one of them starts agreeing (so the list only shrinks). Ground truths that contradict their own function
 * doc are not here: they are counted and excluded up front (see `docErrors`), since BFCL's answer is wrong.
 */
const ACCEPTED: Record<string, string> = {};

/**
 * BFCL entries whose ground truth contradicts its own function doc (checked with ajv, not the scorer): excluded
 * from the figures, since BFCL's answer is wrong there and the scorer is right to fail it. Each must still
 * contradict its doc.
 */
const DOC_ERRORS: Record<string, string> = {
  simple_python_307: 'venue=true, but venue is declared a string',
  parallel_152: 'mod: null (Python None) for a parameter declared a number',
  parallel_multiple_12: 'permeability given to calculate_voltage_difference, which does not declare it',
  parallel_multiple_21: 'x: "data[\'sales\']" (a Python expression) for a parameter declared an array',
  parallel_multiple_26: 'type given to bank.calculate_balance, which does not declare it',
  parallel_multiple_94: 'elements declared integers, the answer gives strings',
};
const inCategory = (id: string, category: string) => new RegExp(`^${category}_\\d+\\b`).test(id);

interface BfclFunction {
  name: string;
  parameters: { type: string; properties: Record<string, Record<string, unknown>>; required?: string[] };
}
type Call = { name: string; arguments: Record<string, unknown> };
type Truth = Array<Record<string, Record<string, unknown[]>>>;

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

/** BFCL lists acceptable values at every level of a dict; the answer takes the first non-empty one of each. */
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

/** The expectation: `{$oneOf: acceptable}` per parameter, wrapped in `{$optional: …}` when `""` is acceptable. */
function toMatcher(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toMatcher);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, acceptable] of Object.entries(value)) {
    const list = acceptable as unknown[];
    const values = list.filter((v) => v !== '');
    const oneOf = { $oneOf: values.map(toMatcher) };
    out[key] = list.includes('')
      ? values.length
        ? { $optional: oneOf }
        : { $optional: { $any: true } }
      : oneOf;
  }
  return out;
}

function readLines(file: string): Array<Record<string, any>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** A value of another JSON type than the schema declares (BFCL's type check), or undefined when any goes. */
function wrongTypeFor(schema: Record<string, unknown> | undefined, value: unknown): unknown {
  const type = schema?.type;
  if (type === 'string') return 7;
  if (type === 'integer' || type === 'float' || type === 'number') return String(value);
  if (type === 'boolean') return String(value);
  if (type === 'array' || type === 'tuple' || type === 'dict') return 'x';
  return undefined;
}

/** A copy of `args` with one value inside an array or dict argument given the wrong type, if there is one. */
function nestedWrongType(
  fn: BfclFunction,
  args: Record<string, unknown>,
): Record<string, unknown> | undefined {
  for (const [param, value] of Object.entries(args)) {
    const schema = fn.parameters.properties[param];
    if (Array.isArray(value) && value.length && isObject(schema?.items)) {
      const wrong = wrongTypeFor(schema.items, value[0]);
      if (wrong !== undefined) return { ...args, [param]: [wrong, ...value.slice(1)] };
    }
    if (isObject(value) && isObject(schema?.properties)) {
      for (const [key, inner] of Object.entries(value)) {
        const wrong = wrongTypeFor((schema.properties as Record<string, any>)[key], inner);
        if (wrong !== undefined) return { ...args, [param]: { ...value, [key]: wrong } };
      }
    }
  }
  return undefined;
}

/**
 * The simple baseline beside the scorer's figures: the calls, in order, equal BFCL's first acceptable answer
 * (an exact-match scorer on the serialised calls).
 */
function baselinePasses(calls: Call[], truth: Call[]): boolean {
  return isDeepStrictEqual(calls, truth);
}

interface Trial {
  kind: Kind;
  calls: Call[];
}

/** The perturbations of one entry that apply to it (a function without enums has no enum perturbation…). */
function trialsFor(functions: BfclFunction[], truth: Truth): Trial[] {
  const calls: Call[] = truth.map((t) => {
    const [name, params] = Object.entries(t)[0];
    return { name, arguments: pickAnswer(params) as Record<string, unknown> };
  });
  const trials: Trial[] = [{ kind: 'ground truth', calls }];
  const replace = (index: number, call: Call) => calls.map((c, i) => (i === index ? call : c));
  const fnOf = (name: string) => functions.find((f) => f.name === name)!;
  const add = (kind: Kind, list: Call[] | undefined) => list && trials.push({ kind, calls: list });

  // One perturbation of each kind per entry, on the first call where it applies.
  const firstOf = (make: (call: Call, index: number) => Call | undefined) => {
    for (let i = 0; i < calls.length; i++) {
      const changed = make(calls[i], i);
      if (changed) return replace(i, changed);
    }
    return undefined;
  };
  add(
    'wrong type',
    firstOf((call) => {
      const props = fnOf(call.name).parameters.properties;
      for (const [param, value] of Object.entries(call.arguments)) {
        const wrong = wrongTypeFor(props[param], value);
        if (wrong !== undefined) return { name: call.name, arguments: { ...call.arguments, [param]: wrong } };
      }
      return undefined;
    }),
  );
  add(
    'nested wrong type',
    firstOf((call) => {
      const args = nestedWrongType(fnOf(call.name), call.arguments);
      return args && { name: call.name, arguments: args };
    }),
  );
  add(
    'missing required',
    firstOf((call) => {
      const required = (fnOf(call.name).parameters.required ?? []).find((p) => p in call.arguments);
      if (!required) return undefined;
      const { [required]: _dropped, ...rest } = call.arguments;
      return { name: call.name, arguments: rest };
    }),
  );
  add(
    'invalid enum',
    firstOf((call) => {
      const props = fnOf(call.name).parameters.properties;
      const param = Object.keys(call.arguments).find((p) => Array.isArray(props[p]?.enum));
      return param === undefined
        ? undefined
        : { name: call.name, arguments: { ...call.arguments, [param]: 'not-an-enum-value' } };
    }),
  );
  add(
    'another valid enum value',
    firstOf((call, index) => {
      const props = fnOf(call.name).parameters.properties;
      const params = Object.values(truth[index])[0];
      for (const param of Object.keys(call.arguments)) {
        const values = props[param]?.enum as unknown[] | undefined;
        if (!values) continue;
        const acceptable = new Set(params[param].map((v) => String(v).toLowerCase()));
        const other = values.find((v) => !acceptable.has(String(v).toLowerCase()));
        if (other !== undefined) return { name: call.name, arguments: { ...call.arguments, [param]: other } };
      }
      return undefined;
    }),
  );
  add(
    'extra undeclared argument',
    replace(0, { ...calls[0], arguments: { ...calls[0].arguments, undeclared_param: 1 } }),
  );
  add('unknown function', replace(0, { ...calls[0], name: `${calls[0].name}_unknown` }));
  const other = functions.find((f) => !calls.some((c) => c.name === f.name));
  add('another declared function', other && replace(0, { ...calls[0], name: other.name }));
  if (calls.length > 1) {
    add('dropped parallel call', calls.slice(1));
    add('reversed parallel order', [...calls].reverse());
  }
  add('duplicated call', [...calls, calls[calls.length - 1]]);
  add(
    'omitted optional argument',
    firstOf((call, index) => {
      const params = Object.values(truth[index])[0];
      const required = new Set(fnOf(call.name).parameters.required ?? []);
      const optional = Object.keys(call.arguments).find((p) => params[p].includes('') && !required.has(p));
      if (!optional) return undefined;
      const { [optional]: _dropped, ...rest } = call.arguments;
      return { name: call.name, arguments: rest };
    }),
  );
  return trials;
}

/** Per category: how many entries, ground truths that contradict their doc, and per kind `right/total`. */
export interface CategoryFigures {
  entries: number;
  docErrors: string[];
  kinds: Record<string, { total: number; right: number; baseline: number }>;
  wrong: string[];
  accepted: string[];
}

/** The tool-call table of docs/scorer-accuracy.md: per category, the cases BFCL's rule says must pass or fail. */
function renderBfclTable(figures: Record<string, CategoryFigures>): string {
  const rows = CATEGORIES.map((category) => {
    const fig = figures[category];
    const pick = (list: readonly string[]) =>
      Object.entries(fig.kinds).filter(([kind]) => list.includes(kind));
    const sum = (
      list: Array<[string, { total: number; right: number; baseline: number }]>,
      key: 'right' | 'baseline',
    ) => `${list.reduce((s, [, k]) => s + k[key], 0)} / ${list.reduce((s, [, k]) => s + k.total, 0)}`;
    const all = Object.values(fig.kinds);
    const agreement = all.reduce((s, k) => s + k.right, 0) / all.reduce((s, k) => s + k.total, 0);
    const baseline = all.reduce((s, k) => s + k.baseline, 0) / all.reduce((s, k) => s + k.total, 0);
    return `| ${category} | ${fig.entries} | ${fig.docErrors.length} | ${sum(pick(MUST_PASS), 'right')} | ${sum(pick(MUST_FAIL), 'right')} | ${agreement.toFixed(3)} | ${sum(pick(MUST_PASS), 'baseline')} | ${sum(pick(MUST_FAIL), 'baseline')} | ${baseline.toFixed(3)} |`;
  });
  return [
    '| category | entries | doc errors (excluded) | must pass: passed | must fail: failed | agreement | baseline: passed | baseline: failed | baseline agreement |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const data = conformanceData('bfcl', 'tool-call vs BFCL');
if (!data.present) {
  it.skip(data.skipLine, () => undefined);
} else {
  describe('tool-call vs BFCL v4, by its rules', () => {
    // BFCL's rule: no parameter the function does not declare (strict), calls as a set, no extra call.
    const score = toolCall.create(toolCall.options.parse({ strict: true }), { cwd: repoRoot });
    const ajv = new Ajv({ strict: false, allErrors: false });
    ((addFormatsPlugin as any).default ?? addFormatsPlugin)(ajv);
    const figures: Record<string, CategoryFigures> = {};

    it.each(CATEGORIES)('%s', async (category) => {
      const file = `BFCL_v4_${category}.json`;
      const entries = readLines(path.join(data.dir, file));
      const answers = new Map(
        readLines(path.join(data.dir, 'possible_answer', file)).map((a) => [
          a.id as string,
          a.ground_truth as Truth,
        ]),
      );
      const fig: CategoryFigures = {
        entries: entries.length,
        docErrors: [],
        kinds: {},
        wrong: [],
        accepted: [],
      };
      figures[category] = fig;
      for (const entry of entries) {
        const truth = answers.get(entry.id);
        if (!truth) throw new Error(`${file}: no possible answer for ${entry.id}`);
        const functions = entry.function as BfclFunction[];
        const schemas = new Map(functions.map((f) => [f.name, toJsonSchema(f.parameters) as object]));
        const tools = functions.map((f) => ({
          type: 'function',
          function: { name: f.name, parameters: schemas.get(f.name) },
        }));
        const trials = trialsFor(functions, truth);
        // BFCL's own answer must satisfy its function doc (checked with ajv directly, not through the scorer).
        const invalid = trials[0].calls.find(
          (c) => !ajv.validate({ ...schemas.get(c.name), additionalProperties: false }, c.arguments),
        );
        if (invalid) {
          fig.docErrors.push(entry.id);
          console.log(`BFCL ${entry.id}: ground truth contradicts its doc: ${ajv.errorsText()}`);
          continue;
        }
        const expected = truth.map((t) => {
          const [name, params] = Object.entries(t)[0];
          return { name, arguments: toMatcher(params) as Record<string, unknown> };
        });
        const truthCalls = trials[0].calls;
        for (const trial of trials) {
          const result = await score({
            input: entry.question,
            output: '',
            expected: { tool_calls: expected },
            context: { tools },
            toolCalls: trial.calls.map((c) => ({ name: c.name, arguments: JSON.stringify(c.arguments) })),
          });
          const shouldPass = (MUST_PASS as readonly string[]).includes(trial.kind);
          const k = (fig.kinds[trial.kind] ??= { total: 0, right: 0, baseline: 0 });
          k.total++;
          if (baselinePasses(trial.calls, truthCalls) === shouldPass) k.baseline++;
          if ((result.score === 1) === shouldPass) {
            k.right++;
            continue;
          }
          const key = `${entry.id} ${trial.kind}`;
          if (ACCEPTED[key]) fig.accepted.push(key);
          else
            fig.wrong.push(
              `${key}: score ${result.score}${result.metadata?.reason ? ` (${result.metadata.reason})` : ''}`,
            );
        }
      }
      console.log(
        `BFCL ${category}: ${fig.entries} entries, ${fig.docErrors.length} ground truths contradict their doc (excluded); ` +
          Object.entries(fig.kinds)
            .map(([kind, { right, total }]) => `${kind} ${right}/${total}`)
            .join(', '),
      );
      expect(fig.wrong).toEqual([]);
      expect(fig.docErrors).toEqual(Object.keys(DOC_ERRORS).filter((id) => inCategory(id, category)));
      expect(fig.accepted.sort()).toEqual(
        Object.keys(ACCEPTED)
          .filter((k) => inCategory(k, category))
          .sort(),
      );
      // Enough of the data is exercised: a converter bug that drops most entries must not pass quietly.
      expect(fig.kinds['ground truth'].total).toBeGreaterThanOrEqual(fig.entries * 0.95);
      for (const kind of [
        'wrong type',
        'missing required',
        'extra undeclared argument',
        'unknown function',
        'duplicated call',
      ])
        expect(fig.kinds[kind]?.total ?? 0).toBeGreaterThanOrEqual(fig.entries * 0.5);
      if (category.startsWith('parallel')) {
        expect(fig.kinds['reversed parallel order']?.total ?? 0).toBeGreaterThanOrEqual(fig.entries * 0.9);
        expect(fig.kinds['dropped parallel call']?.total ?? 0).toBeGreaterThanOrEqual(fig.entries * 0.9);
      }
    });

    it('docs/scorer-accuracy.md quotes these figures', () => {
      // Runs after the four categories (jest keeps the order within a file).
      expect(Object.keys(figures).sort()).toEqual([...CATEGORIES].sort());
      const table = renderBfclTable(figures);
      console.log(table);
      expect(readFileSync(path.join(repoRoot, 'docs', 'scorer-accuracy.md'), 'utf8')).toContain(table);
    });
  });
}
