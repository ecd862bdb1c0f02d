/** tracegate's library API: everything the CLI and the action use, importable as `tracegate`. */
export { evaluate, readBaseline, type EvaluateOptions, type EvaluateOutcome } from './evaluate.js';
export * from './cases/regression-case.js';
export {
  loadDatasets,
  findDatasetFiles,
  scanDatasets,
  readCases,
  type DatasetScan,
} from './cases/load-datasets.js';
export { loadConfig, findConfigFile, validateConfig, type LoadedConfig } from './config/load-config.js';
export {
  configSchema,
  defineConfig,
  type TracegateConfig,
  type TracegateConfigInput,
  type ScorerEntry,
  type Threshold,
} from './config/config-schema.js';
export { createTask } from './run/tasks/create-task.js';
export { createFunctionTask, type TaskFunction } from './run/tasks/module-task.js';
export { runEvaluation, type RunEvaluationInput, type RunEvaluationOutcome } from './run-evaluation.js';
export {
  TaskError,
  normaliseTaskResult,
  LazyAbortContext,
  type Task,
  type TaskResult,
  type TaskCallContext,
} from './run/tasks/task.js';
export { runCase, type RunCaseOptions } from './run/run-case.js';
export { runPool, runPoolBatched } from './run/run-pool.js';
export { ScorerResolver, findScorer, type ResolvedScorer } from './run/resolve-scorers.js';
export { ResultsAggregator } from './run/aggregate.js';
export { ResultsWriter } from './run/results-writer.js';
export { checkComparable, classifyCase, indexBaseline, type BaselineIndex } from './run/compare.js';
export { decideVerdict, decideOverall, normaliseThreshold, type FailOn } from './run/gate.js';
export { mergeResults } from './run/merge.js';
export { mergeResultFiles } from './output/merge-files.js';
export { parseResults } from './run/results-schema.js';
export { buildOriginUrl, type OriginLinkSettings } from './run/origin-url.js';
export { parseShard, shardOf } from './run/shard.js';
export { parseCaseFilters } from './run/case-filter.js';
export type * from './run/results.js';
export { renderMarkdownReport, MAX_REPORT_CHARS } from './report/markdown.js';
export { renderJunit } from './report/junit.js';
export { renderTerminalSummary } from './report/terminal.js';
export { escapeMarkdown } from './report/escape.js';
export { escapeXml } from './report/xml-escape.js';
export { stableStringify, sha256 } from './util/stable-json.js';
export { EnvironmentError, UsageError } from './errors.js';
export type { Score, ScorerArgs, ScorerFn, ScorerDefinition, ScorerContext } from '../scorers/types.js';
export {
  traceSchema,
  TRACE_FORMATS,
  type Trace,
  type TraceFormat,
  type TraceSpan,
  type TraceToolCall,
  type TraceChunk,
  type Feedback,
  type ImportItem,
} from './traces/trace.js';
export { importTraces, detectRecordFormat, type ImportOptions, type ImportStats } from './traces/import.js';
export { readRecords, detectLayout, JsonSplitter } from './traces/json-stream.js';
export { TraceAssembler, type AssemblerOptions } from './traces/assemble.js';
export {
  promoteTraces,
  collectClusters,
  clusterToRow,
  type PromoteOptions,
  type PromoteOutcome,
} from './promote/promote.js';
export {
  Clusterer,
  completeness,
  REPRESENTATIVE_POLICIES,
  type Cluster,
  type LabelledTrace,
  type RepresentativePolicy,
} from './promote/cluster.js';
export {
  proposeLabel,
  reviewedLabel,
  traceChecks,
  scorerChecks,
  type Evidence,
  type Label,
} from './promote/label.js';
export { failureSignature, questionTemplate, questionText } from './promote/signature.js';
export { Scrubber, BUILTIN_SCRUB_RULES, parseScrubPattern, type ScrubRule } from './promote/scrub.js';
export { parseWhere, parseWhereAll } from './promote/where.js';
export { appendRows, withFileLock, type PendingRow } from './promote/write.js';
export * from './judge/index.js';
export {
  createOnlineScorer,
  type OnlineScorer,
  type OnlineScorerOptions,
  type OnlineResult,
  type OnlineStats,
  type OnlineItem,
  type LazyTrace,
} from './online/online-scorer.js';
export type { OnlineRequest } from './online/request-trace.js';
export { scoreCase, traceToCase, type ModeVerdict, type ScorerOutcome } from './online/score-case.js';
export { JudgeBudgetGate, type JudgeBudget } from './online/judge-budget.js';
export { TracegateSpanProcessor, type TracegateSpanProcessorOptions } from './online/span-processor.js';
export { startOtlpReceiver, type OtlpReceiver, type OtlpReceiverOptions } from './online/otlp-receiver.js';
export { scoreRecordedTraces, type BatchScoreSummary } from './online/batch-score.js';
export { ReviewQueue, policyCheck, type ReviewItem, type PromotionPolicy } from './review/queue.js';
export { approveItem, rejectItem, relabelItem, UnverifiedRowError } from './review/decide.js';
export { verifyRow, type Verification } from './review/verify-row.js';
export { harvest, type HarvestOptions, type HarvestOutcome } from './review/harvest.js';
