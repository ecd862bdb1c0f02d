import path from 'node:path';
import { existsSync } from 'node:fs';
import { BUILTIN_SCORERS, defaultScorersFor } from '../../scorers/registry.js';
import type { ScorerContext, ScorerDefinition, ScorerFn } from '../../scorers/types.js';
import type { ScorerEntry, TracegateConfig } from '../config/config-schema.js';
import { importModule } from '../config/load-config.js';
import { formatZodIssues } from '../util/zod-issues.js';
import { UsageError } from '../errors.js';
import { checkCalibration } from '../judge/calibration.js';
import { createHash } from 'node:crypto';
import { stableStringify } from '../util/stable-json.js';

/** A scorer ready to run on a failure mode's cases. */
export interface ResolvedScorer {
  /** Name in results (`scores` keys). */
  name: string;
  id: string;
  version: string;
  kind: 'code' | 'judge';
  mode: 'blocking' | 'shadow';
  minScore: number;
  fn: ScorerFn;
  /** What the config asked for; a judge asked to block runs as shadow until a calibration vouches for it. */
  declaredMode?: 'blocking' | 'shadow';
  /** Why a judge scorer runs as shadow although declared blocking (and how to calibrate it). */
  shadowReason?: string;
  /** Why a judge scorer is skipped on every case (e.g. no key). */
  skipReason?: string;
  /** The calibration record that lets a judge scorer block. */
  calibration?: string;
  /** The scorer's options after parsing (calibrate re-creates the scorer from them). */
  options?: unknown;
}

/** Resolves and caches the scorer list of each failure mode from the config. */
export class ScorerResolver {
  private readonly byMode = new Map<string, Promise<ResolvedScorer[]>>();
  /** Every scorer used so far, id → version: part of the results fingerprint. */
  readonly versions: Record<string, string> = {};

  constructor(
    private readonly config: TracegateConfig,
    private readonly context: ScorerContext,
  ) {}

  /** The scorers for a failure mode: its configured list (or the defaults), plus the global list. */
  forMode(mode: string): Promise<ResolvedScorer[]> {
    let scorers = this.byMode.get(mode);
    if (!scorers) {
      const entries = [
        ...(this.config.failure_modes[mode]?.scorers ?? defaultScorersFor(mode)),
        ...this.config.scorers,
      ];
      // Nothing would decide whether a case passed: a config error, never a run where every case passes.
      if (entries.length === 0)
        return Promise.reject(
          new UsageError(`Failure mode "${mode}" has no scorer (failure_modes.${mode}.scorers is empty).`, [
            `Name at least one scorer, e.g. "scorers": ["exact-match"], or remove the key to use the defaults (${defaultScorersFor(mode).join(', ')}).`,
          ]),
        );
      scorers = Promise.all(entries.map((e, i) => this.resolve(e, `failure_modes.${mode}.scorers.${i}`)));
      this.byMode.set(mode, scorers);
    }
    return scorers;
  }

  private async resolve(entry: ScorerEntry, keyPath: string): Promise<ResolvedScorer> {
    const spec =
      typeof entry === 'string' ? { id: entry, options: {}, mode: 'blocking' as const, min_score: 1 } : entry;
    const definition = await findScorer(spec.id, this.context.cwd, keyPath);
    const parsed = definition.options.safeParse(spec.options ?? {}, { reportInput: true } as never);
    if (!parsed.success) {
      throw new UsageError(
        `Invalid options for scorer "${spec.id}" at ${keyPath}.options:`,
        formatZodIssues(parsed.error),
      );
    }
    const name = ('name' in spec && spec.name) || definition.id;
    const context: ScorerContext = { ...this.context, scorerName: name };
    const runtime = this.context.judge?.runtime;
    // A judge with no key (a fork PR has no secrets) is skipped, never passed and never an error: the runner
    // counts such cases as skipped and the report says why. An estimate needs no key: it calls nothing.
    const skipReason =
      definition.kind === 'judge' && !this.context.judge?.apiKey && !runtime?.options.estimate
        ? 'judge skipped: no judge API key'
        : undefined;
    let fn: ScorerFn;
    let version: string;
    try {
      version = definition.versionFor?.(parsed.data, context) ?? definition.version;
      fn = skipReason ? skippedJudge(name, skipReason) : definition.create(parsed.data, context);
    } catch (error) {
      throw new UsageError(
        `Scorer "${spec.id}" at ${keyPath} could not be set up: ${(error as Error).message}`,
      );
    }
    this.versions[name] = version;
    const resolved: ResolvedScorer = {
      name,
      id: definition.id,
      version,
      kind: definition.kind,
      mode: spec.mode,
      declaredMode: spec.mode,
      minScore: spec.min_score,
      fn,
      options: parsed.data,
      ...(skipReason ? { skipReason } : {}),
    };
    // A judge that cannot run at all (no key) keeps its declared mode: its cases are "not checked", which the
    // gate fails by default, rather than a shadow that would only warn.
    if (definition.kind === 'judge' && spec.mode === 'blocking' && !skipReason) {
      // A judge may block a merge only once a calibration against people's labels vouches for this exact
      // version (template + model + parameters); until then it runs as shadow and the report says why.
      const config = this.context.judge?.config;
      const dir = path.resolve(this.context.cwd, config?.calibrations_dir ?? 'calibrations');
      const status = checkCalibration(
        dir,
        { name, id: definition.id, version, minScore: spec.min_score },
        config?.calibration ?? { min_tpr_lower: 0.8, min_tnr_lower: 0.8 },
        config?.calibrations_dir ?? 'calibrations',
      );
      if (status.ok) resolved.calibration = path.relative(this.context.cwd, status.file);
      else {
        resolved.mode = 'shadow';
        resolved.shadowReason = status.reason;
      }
    }
    return resolved;
  }
}

/**
 * Find a scorer by id: a built-in; `autoevals:Name` (any autoevals scorer, unchanged); `file:path#export`;
 * or a bare id with a file `scorers/<id>.{ts,js,mjs}` in the user's project.
 */
export async function findScorer(id: string, cwd: string, keyPath = 'scorers'): Promise<ScorerDefinition> {
  const builtin = BUILTIN_SCORERS[id];
  if (builtin) return builtin;
  if (id.startsWith('autoevals:')) return autoevalsScorer(id.slice('autoevals:'.length), keyPath);
  let file: string | undefined;
  let exportName: string | undefined;
  if (id.startsWith('file:')) {
    [file, exportName] = id.slice('file:'.length).split('#');
    file = path.resolve(cwd, file);
  } else {
    file = ['.ts', '.js', '.mjs'].map((ext) => path.join(cwd, 'scorers', id + ext)).find(existsSync);
  }
  if (!file || !existsSync(file)) {
    throw new UsageError(`Unknown scorer "${id}" at ${keyPath}.`, [
      `Built-in scorers: ${Object.keys(BUILTIN_SCORERS).sort().join(', ')}`,
      'Or use "autoevals:<Name>", "file:./scorers/my-scorer.ts#export", or put scorers/<id>.ts in your project.',
    ]);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (error) {
    throw new UsageError(`Scorer file ${file} (at ${keyPath}) failed to load: ${(error as Error).message}`, [
      'Fix the error in that file (a syntax error, a missing import), or remove the scorer from the config.',
    ]);
  }
  const value = exportName ? mod[exportName] : (mod.default ?? mod[Object.keys(mod)[0]]);
  return asDefinition(value, id, file, keyPath);
}

/** A user scorer module may export a full ScorerDefinition or just an autoevals-style function. */
function asDefinition(value: unknown, id: string, file: string, keyPath: string): ScorerDefinition {
  if (value && typeof value === 'object' && typeof (value as ScorerDefinition).create === 'function') {
    return value as ScorerDefinition;
  }
  if (typeof value === 'function') return wrapFunction(id, value as ScorerFn);
  throw new UsageError(
    `Scorer file ${file} (at ${keyPath}) exports neither a scorer function nor a scorer definition ({id, version, create}).`,
  );
}

async function autoevalsScorer(name: string, keyPath: string): Promise<ScorerDefinition> {
  const autoevals = (await import('autoevals')) as unknown as Record<string, unknown>;
  const fn = autoevals[name];
  if (typeof fn !== 'function') {
    throw new UsageError(`autoevals has no scorer "${name}" (at ${keyPath}).`, [
      'Examples: autoevals:Levenshtein, autoevals:ExactMatch, autoevals:JSONDiff, autoevals:Factuality',
    ]);
  }
  const kind =
    /Factuality|ClosedQA|Battle|Humor|Security|Sql|Summary|Translation|Possible|Moderation|Embedding|Context|Faithfulness|Answer/.test(
      name,
    )
      ? 'judge'
      : 'code';
  const definition = wrapFunction(`autoevals:${name}`, fn as ScorerFn, kind);
  if (kind === 'judge') {
    // The model and the options change what the judge says: they are part of the version, so a change
    // makes the baseline not comparable and needs a new calibration.
    definition.versionFor = (options: Record<string, unknown>, ctx: ScorerContext) =>
      createHash('sha256')
        .update(stableStringify({ scorer: name, model: ctx.judge?.model ?? null, options }))
        .digest('hex')
        .slice(0, 16);
    // autoevals' LLM scorers take the model and the OpenAI-compatible endpoint as arguments: pin them from
    // the config's judge settings (the model is part of the results fingerprint).
    definition.create = (options: Record<string, unknown>, ctx: ScorerContext) => {
      // Through the run's judge runtime when there is one: its concurrency limit, and calls, tokens and
      // cost counted in usage.judge.
      const runtime = ctx.judge?.runtime && ctx.judge.apiKey ? ctx.judge.runtime : undefined;
      let client: Promise<unknown> | undefined;
      return async (args) =>
        (fn as ScorerFn)({
          ...(ctx.judge?.model ? { model: ctx.judge.model } : {}),
          ...(runtime
            ? { client: await (client ??= runtime.openAIClientFor(ctx.scorerName ?? `autoevals:${name}`)) }
            : {
                openAiApiKey: ctx.judge?.apiKey,
                ...(ctx.judge?.baseUrl ? { openAiBaseUrl: ctx.judge.baseUrl } : {}),
              }),
          ...options,
          ...args,
        });
    };
  }
  return definition;
}

function skippedJudge(name: string, reason: string): ScorerFn {
  return () => ({ name, score: null, metadata: { skipped: true, reason } });
}

/** A plain scorer function as a registered scorer whose options are passed through as extra arguments. */
function wrapFunction(id: string, fn: ScorerFn, kind: 'code' | 'judge' = 'code'): ScorerDefinition {
  return {
    id,
    version: '1',
    kind,
    failureModes: [],
    description: `user scorer ${id}`,
    options: { safeParse: (v: unknown) => ({ success: true, data: v }) } as never,
    create: (options: Record<string, unknown>) => (args) => fn({ ...options, ...args }),
  };
}
