import path from 'node:path';
import * as core from '@actions/core';

/** When the PR comment is written. */
export type CommentWhen = 'always' | 'on-failure' | 'never';
/** What fails the gate (mirrors `--fail-on`). */
export type FailOnInput = 'regression' | 'threshold' | 'both' | 'never';

/** Every input of the action, validated and typed. Empty inputs are `undefined` (the config decides). */
export interface ActionSettings {
  /** Directory the evaluation runs in (datasets and the config are found from here). */
  workingDirectory: string;
  config?: string;
  task?: string;
  datasets?: string[];
  baseline?: string;
  trials?: number;
  concurrency?: number;
  timeoutMs?: number;
  shard?: string;
  filters: string[];
  out?: string;
  failOn?: FailOnInput;
  /** What a case no scorer could check does (mirrors `--on-skipped`); undefined: the config decides. */
  onSkipped?: 'fail' | 'warn';
  /** Let a run with no case pass (mirrors `--allow-empty`); undefined: the config decides. */
  allowEmpty?: boolean;
  /** Results files (globs) to merge instead of running an evaluation: the merge job of a sharded matrix. */
  merge: string[];
  githubToken?: string;
  comment: CommentWhen;
  commentId: string;
  /** The PR to comment on when the event does not say (e.g. `workflow_run`). */
  prNumber?: number;
  judgeApiKey?: string;
  judgeBaseUrl?: string;
  braintrustApiKey?: string;
  braintrustProject?: string;
  /** `true` for a generated experiment name, a string for a given one; unset = no experiment. */
  braintrustExperiment?: string | true;
  originUrlTemplate?: string;
  /**
   * Run a task other than `replay` (or a code config or scorer) on a `pull_request_target` event from a
   * fork, where the fork's code would see the secrets and a write token. Off by default.
   */
  allowUntrustedCode: boolean;
  /** `eval` (the gate; default) or `harvest` (production failures → one pull request; see run-harvest.ts). */
  mode: 'eval' | 'harvest';
  /** `mode: harvest`: where traces come from, since when, and the promotion policy. */
  harvest: {
    from?: string;
    since?: string;
    minOccurrences?: number;
    distinctBy?: 'user' | 'session' | 'input';
  };
}

/** Reads one input by its action.yml name; `''` when unset (as `core.getInput` does). */
export type InputReader = (name: string) => string;

/** An input with a bad value: the message quotes the value and the expected form. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const defaultReader: InputReader = (name) => core.getInput(name);

/**
 * Read and validate every input in one place. Called from `run()`, never at module load, so tests can set
 * `INPUT_*` variables (or pass `read`) before calling it. Each problem quotes the bad value and the
 * expected form; all problems are reported at once.
 */
export function getSettings(
  read: InputReader = defaultReader,
  workspace = process.env.GITHUB_WORKSPACE ?? process.cwd(),
): ActionSettings {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = read(name).trim();
    return value === '' ? undefined : value;
  };
  const list = (name: string): string[] =>
    read(name)
      .split(/\r?\n|,/)
      .map((s) => s.trim())
      .filter(Boolean);
  const lines = (name: string): string[] =>
    read(name)
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
  const wholeNumber = (name: string, example: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
      problems.push(`Invalid ${name} '${value}'. Expected a whole number ≥ 1, e.g. ${example}.`);
      return undefined;
    }
    return n;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined => {
    const value = text(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      problems.push(`Invalid ${name} '${value}'. Expected one of: ${allowed.join(', ')}.`);
      return fallback;
    }
    return value as T;
  };
  const url = (name: string, placeholderNote = ''): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^https?:\/\/[^\s]+$/.test(value)) {
      problems.push(`Invalid ${name} '${value}'. Expected an http(s) URL${placeholderNote}.`);
      return undefined;
    }
    return value;
  };

  const shard = text('shard');
  if (shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shard);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
      problems.push(
        `Invalid shard '${shard}'. Expected K/N with 1 ≤ K ≤ N, e.g. 2/4 (use \${{ matrix.shard }}/4).`,
      );
    }
  }
  const filters = lines('filter');
  for (const f of filters) {
    if (!/^[a-z_]+=.+$/.test(f))
      problems.push(
        `Invalid filter '${f}'. Expected key=value, e.g. failure_mode=hallucination (one per line).`,
      );
  }
  const commentId = text('comment-id') ?? 'tracegate';
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(commentId)) {
    problems.push(
      `Invalid comment-id '${commentId}'. Expected letters, digits, '.', '_' or '-' (at most 100), e.g. tracegate-nightly.`,
    );
  }
  const allowUntrusted = oneOf('allow-untrusted-code', ['true', 'false'] as const, 'false');
  const prText = text('pr-number');
  let prNumber: number | undefined;
  if (prText !== undefined) {
    prNumber = Number(prText);
    if (!/^\d+$/.test(prText) || prNumber < 1) {
      problems.push(`Invalid pr-number '${prText}'. Expected the pull request number, e.g. 42.`);
      prNumber = undefined;
    }
  }

  const settings: ActionSettings = {
    workingDirectory: path.resolve(workspace, text('working-directory') ?? '.'),
    config: text('config'),
    task: text('task'),
    datasets: list('datasets').length ? list('datasets') : undefined,
    baseline: text('baseline'),
    trials: wholeNumber('trials', '3'),
    concurrency: wholeNumber('concurrency', '8'),
    timeoutMs: wholeNumber('timeout', '60000 (milliseconds)'),
    shard,
    filters,
    out: text('out'),
    failOn: oneOf('fail-on', ['regression', 'threshold', 'both', 'never'] as const),
    onSkipped: oneOf('on-skipped', ['fail', 'warn'] as const),
    allowEmpty: ((v) => (v === undefined ? undefined : v === 'true'))(
      oneOf('allow-empty', ['true', 'false'] as const),
    ),
    merge: list('merge'),
    githubToken: text('github-token'),
    comment: oneOf('comment', ['always', 'on-failure', 'never'] as const, 'always')!,
    commentId,
    prNumber,
    judgeApiKey: text('judge-api-key'),
    judgeBaseUrl: url('judge-base-url', ', e.g. https://api.openai.com/v1'),
    braintrustApiKey: text('braintrust-api-key'),
    braintrustProject: text('braintrust-project'),
    braintrustExperiment: experimentInput(text('braintrust-experiment')),
    originUrlTemplate: url(
      'origin-url-template',
      ' with {object_type}, {object_id}, {id} or {span_id} placeholders',
    ),
    allowUntrustedCode: allowUntrusted === 'true',
    mode: oneOf('mode', ['eval', 'harvest'] as const, 'eval')!,
    harvest: {
      from: text('harvest-from'),
      since: text('harvest-since'),
      minOccurrences: wholeNumber('min-occurrences', '3'),
      distinctBy: oneOf('distinct-by', ['user', 'session', 'input'] as const),
    },
  };
  if (settings.mode === 'harvest' && !settings.harvest.from && !settings.braintrustProject) {
    problems.push(
      "mode 'harvest' needs harvest-from (a trace file, or braintrust:PROJECT) or braintrust-project.",
    );
  }
  if (settings.merge.length && settings.shard) {
    problems.push(
      `Invalid combination: merge '${settings.merge.join(', ')}' with shard '${settings.shard}'. The merge job runs without a shard.`,
    );
  }
  if (problems.length)
    throw new InputError(problems.length === 1 ? problems[0] : `Invalid inputs:\n  ${problems.join('\n  ')}`);
  return settings;
}

/** Inputs that hold secrets: masked in the log before anything else is printed. */
export function secretValues(settings: ActionSettings): string[] {
  return [settings.githubToken, settings.judgeApiKey, settings.braintrustApiKey].filter((s): s is string =>
    Boolean(s),
  );
}

/** `braintrust-experiment`: '' or 'false' off, 'true' a generated name, anything else the name. */
function experimentInput(value: string | undefined): string | true | undefined {
  const v = value?.trim();
  if (!v || v.toLowerCase() === 'false') return undefined;
  return v.toLowerCase() === 'true' ? true : v;
}
