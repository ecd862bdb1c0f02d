import path from 'node:path';
import { importModule } from '../config/load-config.js';
import { UsageError } from '../errors.js';
import type { ScorerContext } from '../../scorers/types.js';
import { judgeConfigSchema, type JudgeConfig } from './judge-config.js';
import { JudgeRuntime } from './judge-runtime.js';
import type { RetryPolicy } from './retry.js';

/** How a run wants its judge: the key and URL given on the command line or the action, and the switches. */
export interface PrepareJudgeOptions {
  /** The judge section of the config (undefined: defaults). */
  config: JudgeConfig | undefined;
  /** The config file's directory: cache, calibrations and the offline server resolve against it. */
  configDir: string;
  apiKey?: string;
  baseUrl?: string;
  cache?: boolean;
  budgetUsd?: number;
  estimate?: boolean;
  retry?: Partial<RetryPolicy>;
}

/** A run's judge, ready: the scorer context's `judge` settings, the runtime, and how to shut it down. */
export interface PreparedJudge {
  runtime: JudgeRuntime;
  context: NonNullable<ScorerContext['judge']>;
  /** Set when the offline server stands in for a missing key: its model id. */
  offlineModel?: string;
  close(): Promise<void>;
}

/**
 * Set up the run's judge. The key comes from the option (the action's input) or the environment variable
 * the config names. With no key and a configured `judge.offline` server, that local server is started and
 * used under its own model id (so its verdicts, cache entries and calibration never pass for the hosted
 * model's). With no key and no offline server, judge scorers are skipped by the resolver.
 */
export async function prepareJudge(options: PrepareJudgeOptions): Promise<PreparedJudge> {
  const config = options.config ?? judgeConfigSchema.parse({});
  let apiKey = options.apiKey ?? process.env[config.api_key_env] ?? undefined;
  if (apiKey === '') apiKey = undefined;
  let baseUrl = options.baseUrl ?? config.base_url;
  let model = config.model;
  let endpointId: string | undefined;
  let offlineModel: string | undefined;
  let close = async () => {};
  if (!apiKey && config.offline && !options.estimate) {
    const server = await startOfflineServer(config.offline.server, options.configDir);
    apiKey = 'offline-judge-no-key';
    baseUrl = server.url;
    model = config.offline.model;
    endpointId = `offline:${config.offline.model}`;
    offlineModel = config.offline.model;
    close = server.close;
  }
  // A local offline server costs nothing; say so (an unpriced model would show its cost as unknown).
  const pricing =
    offlineModel && !config.pricing?.[offlineModel]
      ? { ...config.pricing, [offlineModel]: { input_per_mtok: 0, output_per_mtok: 0 } }
      : config.pricing;
  const effective: JudgeConfig = { ...config, model, pricing };
  const runtime = new JudgeRuntime({
    config: effective,
    apiKey,
    baseUrl,
    endpointId,
    cwd: options.configDir,
    cache: options.cache,
    budgetUsd: options.budgetUsd ?? config.budget_usd,
    estimate: options.estimate,
    retry: options.retry,
  });
  return {
    runtime,
    context: {
      baseUrl,
      model,
      apiKey,
      promptVersion: config.prompt_version,
      apiKeyEnv: config.api_key_env,
      config: effective,
      runtime,
    },
    offlineModel,
    close,
  };
}

async function startOfflineServer(
  spec: string,
  configDir: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const file = path.resolve(configDir, spec);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (error) {
    throw new UsageError(`judge.offline.server ${spec} could not be loaded: ${(error as Error).message}`);
  }
  const start = (mod.startJudgeServer ?? mod.default) as
    (() => Promise<{ url: string; close(): Promise<void> }>) | undefined;
  if (typeof start !== 'function')
    throw new UsageError(`judge.offline.server ${spec} exports no startJudgeServer() function`, [
      'Export `async function startJudgeServer()` returning {url, close} of an OpenAI-compatible server.',
    ]);
  const server = await start();
  if (!server || typeof server.url !== 'string')
    throw new UsageError(`judge.offline.server ${spec}: startJudgeServer() did not return {url, close}`);
  return server;
}
