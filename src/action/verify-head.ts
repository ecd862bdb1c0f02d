import type { EventInfo } from './event.js';
import type { PullHead } from './github-comment.js';

/**
 * The `workflow_run` half of the fork recipe reads the PR number (and the results) from an artifact the
 * fork's workflow uploaded, so a fork author controls both: a forged artifact could name another PR and
 * turn its ❌ comment into ✅. Before writing, the PR as the API reports it must have the triggering
 * run's head commit and head repository. Returns why the comment is refused, or undefined when it matches.
 * Pure.
 */
export function headMismatch(event: Pick<EventInfo, 'headSha' | 'headRepo' | 'prNumber'>, pull: PullHead) {
  const pr = `pull request #${event.prNumber}`;
  if (!event.headSha)
    return `the workflow_run event names no head commit, so ${pr} cannot be checked against it`;
  if (!pull.sha) return `the API gave no head commit for ${pr}`;
  if (pull.sha !== event.headSha) {
    return `${pr} is at ${short(pull.sha)}, but the triggering run tested ${short(event.headSha)} (a newer push, or results naming another pull request)`;
  }
  if (event.headRepo && (pull.repo ?? '').toLowerCase() !== event.headRepo.toLowerCase()) {
    return `${pr} comes from ${pull.repo ?? 'a deleted repository'}, but the triggering run came from ${event.headRepo}`;
  }
  return undefined;
}

function short(sha: string): string {
  return /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : JSON.stringify(sha.slice(0, 40));
}
