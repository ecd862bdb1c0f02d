import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { defaultScorersFor } from '../../scorers/registry.js';
import type { ScorerDefinition } from '../../scorers/types.js';
import type { ScorerEntry, TracegateConfig } from '../config/config-schema.js';
import { UsageError } from '../errors.js';
import { findScorer } from '../run/resolve-scorers.js';
import { sha256, stableStringify } from '../util/stable-json.js';
import { formatZodIssues } from '../util/zod-issues.js';
import { connectBraintrust, type BraintrustConnection, type ConnectOptions } from './connect.js';

/**
 * `tracegate push scorers`: the scorers the config runs in CI, registered as Braintrust functions, and one
 * online scoring rule (a `project_score` with `score_type: "online"`) that runs them on live traffic.
 *
 * - A code scorer (built-in or the project's own) is bundled with its options by esbuild into one inline
 *   Node function whose `handler` is what Braintrust calls; options that name a local file
 *   (`schema_file`) are read now and inlined (`schema`), since the file does not exist in Braintrust.
 * - An `autoevals:Name` scorer is Braintrust's own global scorer of that name: referenced, not uploaded.
 * - A judge scorer that exposes its prompt (`prompt: {messages, model?, choice_scores?, use_cot?}`) becomes
 *   a prompt function with an LLM-classifier parser; a judge that does not is refused with its name.
 */

/** One scorer as the rule will reference it. */
export interface PlannedScorer {
  /** Config name (results column). */
  name: string;
  id: string;
  version: string;
  kind: 'code' | 'judge' | 'global';
  /** Function slug in the project (absent for global scorers). */
  slug?: string;
  action: 'create' | 'update' | 'unchanged' | 'global';
  /** What differs from the registered function. */
  changes: string[];
  /** Size of the bundled code, in bytes (code scorers). */
  bytes?: number;
  /** The registered function's id (after the push, or when unchanged). */
  function_id?: string;
}

export interface ScorerPlan {
  project: string;
  project_id?: string;
  scorers: PlannedScorer[];
  rule: {
    name: string;
    action: 'create' | 'update' | 'unchanged';
    changes: string[];
    sampling_rate: number;
    btql_filter: string | null;
  };
}

export interface PushScorersOptions extends ConnectOptions {
  config: TracegateConfig;
  /** The config file's directory: scorer files and `_file` options resolve against it. */
  configDir: string;
  project: string;
  rule: string;
  samplingRate: number | string;
  filter?: string;
  dryRun?: boolean;
}

interface Prepared {
  entry: { id: string; name: string; options: Record<string, unknown> };
  definition: ScorerDefinition;
  body?: Record<string, unknown>;
  bytes?: number;
}

function samplingRateOf(value: number | string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (String(value).trim() === '' || !(n >= 0 && n <= 1))
    throw new UsageError(`--sampling-rate "${value}": expected a fraction between 0 and 1, e.g. 0.1`);
  return n;
}

/** Every distinct scorer entry the config runs, in config order (a mode without a list gets its defaults). */
export function configuredScorers(
  config: TracegateConfig,
): Array<{ id: string; name: string; options: Record<string, unknown> }> {
  const byName = new Map<string, { id: string; name: string; options: Record<string, unknown> }>();
  const clashes = new Set<string>();
  const add = (entry: ScorerEntry) => {
    const spec = typeof entry === 'string' ? { id: entry, options: {} } : entry;
    const name = ('name' in spec && spec.name) || spec.id;
    const options = (spec.options ?? {}) as Record<string, unknown>;
    const before = byName.get(name);
    if (!before) byName.set(name, { id: spec.id, name, options });
    // Two entries with one name but different scorers or options would register one slug twice.
    else if (before.id !== spec.id || stableStringify(before.options) !== stableStringify(options))
      clashes.add(name);
  };
  for (const [mode, m] of Object.entries(config.failure_modes))
    for (const e of m.scorers ?? defaultScorersFor(mode)) add(e);
  for (const e of config.scorers) add(e);
  if (clashes.size)
    throw new UsageError(
      `Scorer name(s) ${[...clashes].map((c) => `"${c}"`).join(', ')} are used with different options: give each entry its own "name" in the config.`,
    );
  return [...byName.values()];
}

/** The function slug of a scorer: `tracegate-<name>`, lower-case and URL-safe. */
export function slugOf(name: string): string {
  return `tracegate-${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

/** Options that name local files are read now and inlined (`schema_file` → `schema`). */
async function inlineFileOptions(
  options: Record<string, unknown>,
  definition: ScorerDefinition,
  dir: string,
  where: string,
): Promise<Record<string, unknown>> {
  const out = { ...options };
  for (const [key, value] of Object.entries(options)) {
    if (!key.endsWith('_file') || typeof value !== 'string') continue;
    const inlineKey = key.slice(0, -'_file'.length);
    const file = path.resolve(dir, value);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new UsageError(`${where}: ${key} "${value}" cannot be read (${file}).`);
    }
    let inlined: unknown = text;
    if (/\.json$/i.test(file)) {
      try {
        inlined = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`${where}: ${key} ${file} is not valid JSON: ${(error as Error).message}`);
      }
    }
    delete out[key];
    out[inlineKey] = inlined;
    const check = definition.options.safeParse(out);
    if (!check.success)
      throw new UsageError(
        `${where}: option ${key} names a local file, which Braintrust cannot read, and the scorer takes no inline "${inlineKey}" instead.`,
        ['Give the scorer its data inline in the config, or leave it out of the online rule.'],
      );
  }
  const parsed = definition.options.safeParse(out);
  if (!parsed.success) throw new UsageError(`Invalid options for ${where}:`, formatZodIssues(parsed.error));
  return out;
}

/** The module file a scorer is defined in (for bundling), or undefined for autoevals' globals. */
function scorerModule(id: string, cwd: string): { file: string; exportName?: string } {
  if (id.startsWith('file:')) {
    const [file, exportName] = id.slice('file:'.length).split('#');
    return { file: path.resolve(cwd, file), exportName };
  }
  const builtinDir = fileURLToPath(new URL('../../scorers/', import.meta.url));
  for (const ext of ['.js', '.ts']) {
    const builtin = path.join(builtinDir, id + ext);
    if (existsSync(builtin)) return { file: builtin };
  }
  const own = ['.ts', '.js', '.mjs'].map((ext) => path.join(cwd, 'scorers', id + ext)).find(existsSync);
  if (own) return { file: own };
  throw new UsageError(`Cannot find the source of scorer "${id}" to bundle it.`);
}

/** Bundle a code scorer with its options into one inline function defining `handler(args)`. */
async function bundleCodeScorer(id: string, options: Record<string, unknown>, cwd: string): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new UsageError(
      'tracegate push scorers bundles code scorers with esbuild, which is not installed.',
      ['npm install --save-dev esbuild'],
    );
  }
  const mod = scorerModule(id, cwd);
  // The handler maps what Braintrust passes an online scorer ({input, output, expected, metadata}) onto
  // tracegate's scorer arguments; context, tool calls and retrieved chunks come from the span's metadata.
  const entry = `
import * as mod from ${JSON.stringify(mod.file)};
const ID = ${JSON.stringify(id)};
const EXPORT = ${JSON.stringify(mod.exportName ?? null)};
const OPTIONS = ${JSON.stringify(options)};
const found = EXPORT ? mod[EXPORT] : Object.values(mod).find((v) => v && v.id === ID && typeof v.create === 'function') ?? mod.default ?? Object.values(mod)[0];
const scorer = found && typeof found.create === 'function' ? found.create(OPTIONS, { cwd: '.' }) : found;
export async function handler(args) {
  const metadata = args.metadata ?? {};
  return scorer({ ...args, context: metadata.context ?? {}, toolCalls: metadata.tool_calls, retrieved: metadata.retrieved });
}
`;
  try {
    const result = await esbuild.build({
      stdin: { contents: entry, resolveDir: cwd, loader: 'js', sourcefile: `${id}-entry.js` },
      bundle: true,
      write: false,
      platform: 'node',
      target: 'node20',
      format: 'iife',
      globalName: '__tracegate_scorer',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    return `${result.outputFiles[0].text}\nasync function handler(args) {\n  return __tracegate_scorer.handler(args);\n}\n`;
  } catch (error) {
    throw new UsageError(`Cannot bundle scorer "${id}": ${(error as Error).message.split('\n')[0]}`);
  }
}

interface JudgePrompt {
  messages: Array<{ role: string; content: string }>;
  model?: string;
  choice_scores?: Record<string, number>;
  use_cot?: boolean;
}

function judgePromptOf(definition: ScorerDefinition): JudgePrompt | undefined {
  const prompt = (definition as ScorerDefinition & { prompt?: unknown }).prompt;
  if (!prompt || typeof prompt !== 'object' || !Array.isArray((prompt as JudgePrompt).messages))
    return undefined;
  return prompt as JudgePrompt;
}

async function prepare(
  entry: { id: string; name: string; options: Record<string, unknown> },
  config: TracegateConfig,
  dir: string,
): Promise<Prepared> {
  const definition = await findScorer(entry.id, dir, `scorer "${entry.name}"`);
  if (entry.id.startsWith('autoevals:')) return { entry, definition };
  const where = `scorer "${entry.name}" (${entry.id})`;
  const options = await inlineFileOptions(entry.options, definition, dir, where);
  const slug = slugOf(entry.name);
  const metadata = { tracegate: { id: definition.id, version: definition.version, options } };
  const description = definition.description;
  if (definition.kind === 'judge') {
    const prompt = judgePromptOf(definition);
    if (!prompt)
      throw new UsageError(
        `${where} is a judge that exposes no prompt, so it cannot run in Braintrust; leave it out of the online rule or use its autoevals equivalent (autoevals:<Name>).`,
      );
    const model = prompt.model ?? config.judge?.model;
    const body = {
      name: entry.name,
      slug,
      description,
      function_type: 'scorer',
      function_data: { type: 'prompt' },
      prompt_data: {
        prompt: { type: 'chat', messages: prompt.messages },
        options: model ? { model } : {},
        parser: {
          type: 'llm_classifier',
          use_cot: prompt.use_cot ?? true,
          choice_scores: prompt.choice_scores ?? { Y: 1, N: 0 },
        },
      },
      metadata,
    };
    return { entry, definition, body };
  }
  const code = await bundleCodeScorer(entry.id, options, dir);
  const body = {
    name: entry.name,
    slug,
    description,
    function_type: 'scorer',
    function_data: {
      type: 'code',
      data: {
        type: 'inline',
        runtime_context: { runtime: 'node', version: '20' },
        code,
        code_hash: sha256(code),
      },
    },
    metadata,
  };
  return { entry, definition, body, bytes: Buffer.byteLength(code) };
}

/** What differs between the function to register and the one Braintrust holds. */
function functionChanges(want: Record<string, unknown>, have: Record<string, unknown> | undefined): string[] {
  if (!have) return ['new function'];
  const changes: string[] = [];
  const wantData = want.function_data as { data?: { code_hash?: string } };
  const haveData = have.function_data as { data?: { code_hash?: string } } | undefined;
  if (wantData?.data?.code_hash !== undefined) {
    if (wantData.data.code_hash !== haveData?.data?.code_hash) changes.push('code');
  } else if (!isDeepStrictEqual(want.function_data, have.function_data)) changes.push('function_data');
  for (const key of ['prompt_data', 'description', 'name', 'metadata'])
    if (want[key] !== undefined && !isDeepStrictEqual(want[key], have[key])) changes.push(key);
  return changes;
}

async function projectIdOf(
  c: BraintrustConnection,
  project: string,
  create: boolean,
): Promise<string | undefined> {
  const q = new URLSearchParams({ project_name: project });
  const found = (await c.transport.json('GET', c.api(`/v1/project?${q.toString()}`), undefined, {
    what: `looking up project "${project}"`,
  })) as { objects?: Array<{ id?: string; name?: string }> };
  const match = found.objects?.find((p) => p.name === project && typeof p.id === 'string');
  if (match) return match.id;
  if (!create) return undefined;
  const made = (await c.transport.json(
    'POST',
    `${c.settings.appUrl}/api/project/register`,
    { project_name: project, org_id: c.state.orgId },
    { what: `creating project "${project}"` },
  )) as { project?: { id?: string } };
  if (!made.project?.id)
    throw new UsageError(`Braintrust did not return an id for the new project "${project}".`);
  return made.project.id;
}

/**
 * Plan (and unless `dryRun`, apply) the scorer functions and the online rule. Everything local is
 * checked and bundled before the first request; nothing is changed in a dry run.
 */
export async function pushScorers(options: PushScorersOptions): Promise<ScorerPlan> {
  const samplingRate = samplingRateOf(options.samplingRate);
  if (!options.rule.trim()) throw new UsageError('--rule: the online rule needs a name');
  const entries = configuredScorers(options.config);
  if (entries.length === 0) throw new UsageError('The config runs no scorers: there is nothing to push.');
  const prepared: Prepared[] = [];
  for (const entry of entries) prepared.push(await prepare(entry, options.config, options.configDir));

  const c = await connectBraintrust('tracegate push scorers', options);
  const projectId = await projectIdOf(c, options.project, !options.dryRun);
  const plan: ScorerPlan = {
    project: options.project,
    project_id: projectId,
    scorers: [],
    rule: {
      name: options.rule,
      action: 'create',
      changes: [],
      sampling_rate: samplingRate,
      btql_filter: options.filter ?? null,
    },
  };
  for (const p of prepared) {
    if (!p.body) {
      plan.scorers.push({
        name: p.entry.name,
        id: p.entry.id,
        version: p.definition.version,
        kind: 'global',
        action: 'global',
        changes: [],
      });
      continue;
    }
    const slug = p.body.slug as string;
    let existing: Record<string, unknown> | undefined;
    if (projectId) {
      const q = new URLSearchParams({ project_id: projectId, slug });
      const found = (await c.transport.json('GET', c.api(`/v1/function?${q.toString()}`), undefined, {
        what: `looking up function ${slug}`,
      })) as { objects?: Array<Record<string, unknown>> };
      existing = found.objects?.find((f) => f.slug === slug);
    }
    const changes = functionChanges(p.body, existing);
    const planned: PlannedScorer = {
      name: p.entry.name,
      id: p.entry.id,
      version: p.definition.version,
      kind: p.definition.kind,
      slug,
      action: !existing ? 'create' : changes.length ? 'update' : 'unchanged',
      changes: existing ? changes : [],
      bytes: p.bytes,
      function_id: existing?.id as string | undefined,
    };
    if (!options.dryRun && planned.action !== 'unchanged') {
      const saved = (await c.transport.json(
        'PUT',
        c.api('/v1/function'),
        { ...p.body, project_id: projectId },
        { what: `registering scorer function ${slug}` },
      )) as { id?: string };
      if (typeof saved.id !== 'string')
        throw new UsageError(`Braintrust did not return an id for function ${slug}.`);
      planned.function_id = saved.id;
    }
    plan.scorers.push(planned);
  }

  const refs = plan.scorers.map((s) =>
    s.kind === 'global'
      ? { type: 'global', name: s.id.slice('autoevals:'.length) }
      : { type: 'function', id: s.function_id ?? `(new: ${s.slug})` },
  );
  const online = {
    sampling_rate: samplingRate,
    scorers: refs,
    btql_filter: options.filter ?? null,
    apply_to_root_span: true,
  };
  let existingRule: Record<string, unknown> | undefined;
  if (projectId) {
    const q = new URLSearchParams({ project_id: projectId, project_score_name: options.rule });
    const found = (await c.transport.json('GET', c.api(`/v1/project_score?${q.toString()}`), undefined, {
      what: `looking up online rule "${options.rule}"`,
    })) as { objects?: Array<Record<string, unknown>> };
    existingRule = found.objects?.find((s) => s.name === options.rule);
  }
  if (existingRule) {
    const before = ((existingRule.config as { online?: Record<string, unknown> } | undefined)?.online ??
      {}) as Record<string, unknown>;
    const changes: string[] = [];
    if (existingRule.score_type !== 'online')
      changes.push(`score_type: ${String(existingRule.score_type)} → online`);
    for (const key of ['sampling_rate', 'btql_filter', 'scorers', 'apply_to_root_span'] as const)
      if (!isDeepStrictEqual(before[key] ?? null, online[key] ?? null))
        changes.push(`${key}: ${JSON.stringify(before[key] ?? null)} → ${JSON.stringify(online[key])}`);
    plan.rule.action = changes.length ? 'update' : 'unchanged';
    plan.rule.changes = changes;
  } else plan.rule.changes = [`new online rule: ${JSON.stringify(online)}`];
  if (!options.dryRun && plan.rule.action !== 'unchanged')
    await c.transport.json(
      'PUT',
      c.api('/v1/project_score'),
      {
        project_id: projectId,
        name: options.rule,
        description: "tracegate: the CI gate's scorers on live traffic (tracegate push scorers)",
        score_type: 'online',
        config: { online },
      },
      { what: `saving online rule "${options.rule}"` },
    );
  return plan;
}

/** The plan as a diff a person reads: one line per function and the rule's changes. */
export function renderScorerPlan(plan: ScorerPlan, dryRun: boolean): string {
  const mark = { create: '+', update: '~', unchanged: '=', global: '=' } as const;
  const lines = [
    `${dryRun ? 'would push' : 'pushed'} ${plan.scorers.length} scorer(s) to project "${plan.project}":`,
  ];
  for (const s of plan.scorers) {
    const what =
      s.kind === 'global'
        ? `${s.name}: Braintrust's global scorer ${s.id.slice('autoevals:'.length)} (nothing to upload)`
        : `${s.name} → function ${s.slug} (${s.kind}, v${s.version}${s.bytes ? `, ${Math.ceil(s.bytes / 1024)} KiB` : ''})${s.changes.length && s.action === 'update' ? `: ${s.changes.join(', ')} changed` : ''}`;
    lines.push(`  ${mark[s.action]} ${what}`);
  }
  const r = plan.rule;
  lines.push(
    `  ${r.action === 'create' ? '+' : r.action === 'update' ? '~' : '='} online rule "${r.name}" (sampling ${r.sampling_rate}${r.btql_filter ? `, filter ${r.btql_filter}` : ''})`,
  );
  for (const change of r.changes) lines.push(`      ${change}`);
  if (dryRun) lines.push('(dry run: nothing changed)');
  return lines.join('\n');
}
