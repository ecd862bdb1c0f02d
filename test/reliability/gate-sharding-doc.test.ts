/**
 * The sharded workflow in docs/sharding.md (and the repository's own .github/workflows/tracegate-sharded.yml)
 * fails the merge job when a shard job failed or uploaded nothing, and still runs it to post the comment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repo } from '../helpers/cli.js';

type Step = { uses?: string; if?: string; run?: string; with?: Record<string, unknown> };
type Workflow = { jobs: Record<string, { needs?: string; if?: string; steps: Step[]; strategy?: unknown }> };

function docWorkflow(): Workflow {
  const doc = readFileSync(path.join(repo, 'docs/sharding.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/sharding.md has no yaml block');
  return parse(block[1]) as Workflow;
}

describe.each([
  ['docs/sharding.md', docWorkflow],
  [
    '.github/workflows/tracegate-sharded.yml',
    () => parse(readFileSync(path.join(repo, '.github/workflows/tracegate-sharded.yml'), 'utf8')) as Workflow,
  ],
])('the sharded workflow in %s', (_name, load) => {
  const workflow = load();
  const shard = workflow.jobs.shard;
  const merge = workflow.jobs.merge;

  it('uploads each shard results file, failing the shard when there is none', () => {
    const upload = shard.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with).toMatchObject({ 'if-no-files-found': 'error' });
    const eval_ = shard.steps.find((s) => s.with?.shard)!;
    expect(eval_.with!.shard).toBe('${{ matrix.shard }}/4');
  });

  it('runs the merge job always, merges every shard, and fails it when a shard job did not succeed', () => {
    expect(merge.needs).toBe('shard');
    expect(merge.if).toBe('always()');
    const mergeStep = merge.steps.find((s) => s.with?.merge)!;
    expect(mergeStep.with!.merge).toBe('shards/*/results.json');
    const guard = merge.steps[merge.steps.length - 1];
    expect(guard.if).toBe("needs.shard.result != 'success'");
    expect(guard.run).toMatch(/exit 1/);
  });
});
