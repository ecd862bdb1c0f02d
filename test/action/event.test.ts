import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeEvent, readEventContext, type EventContext } from '../../src/action/event.js';

const repo = { owner: 'acme', repo: 'app' };
const ctx = (eventName: string, payload: Record<string, any>): EventContext => ({
  eventName,
  payload,
  repo,
  serverUrl: 'https://github.com',
  runId: 77,
});
const pr = (headRepo: string, fork = false) => ({
  pull_request: {
    number: 12,
    head: { repo: { full_name: headRepo, fork } },
    base: { repo: { full_name: 'acme/app' } },
  },
  repository: { full_name: 'acme/app' },
});

describe('describeEvent', () => {
  test('pull_request from the same repository: comment on it, not a fork', () => {
    expect(describeEvent(ctx('pull_request', pr('acme/app')))).toEqual({
      name: 'pull_request',
      owner: 'acme',
      repo: 'app',
      prNumber: 12,
      fork: false,
      runUrl: 'https://github.com/acme/app/actions/runs/77',
      privileged: false,
      headSha: undefined,
      headRepo: 'acme/app',
    });
  });
  test('pull_request from a fork', () => {
    expect(describeEvent(ctx('pull_request', pr('contributor/app', true)))).toMatchObject({
      prNumber: 12,
      fork: true,
    });
    expect(describeEvent(ctx('pull_request_target', pr('contributor/app')))).toMatchObject({
      prNumber: 12,
      fork: true,
    });
  });
  test.each(['push', 'merge_group', 'workflow_dispatch', 'schedule'])('%s: no comment', (name) => {
    expect(describeEvent(ctx(name, { ref: 'refs/heads/main' })).prNumber).toBeUndefined();
  });
  test('workflow_run: the PR of the triggering run, or pr-number (forks leave pull_requests empty)', () => {
    expect(
      describeEvent(ctx('workflow_run', { workflow_run: { pull_requests: [{ number: 5 }] } })).prNumber,
    ).toBe(5);
    expect(
      describeEvent(ctx('workflow_run', { workflow_run: { pull_requests: [] } })).prNumber,
    ).toBeUndefined();
    expect(describeEvent(ctx('workflow_run', { workflow_run: { pull_requests: [] } }), 31).prNumber).toBe(31);
  });
  test('workflow_run: the head commit and repository of the triggering run, privileged, a fork when they differ', () => {
    const run = {
      workflow_run: {
        pull_requests: [],
        head_sha: 'c'.repeat(40),
        head_repository: { full_name: 'contributor/app' },
        repository: { full_name: 'acme/app' },
      },
    };
    expect(describeEvent(ctx('workflow_run', run), 31)).toMatchObject({
      prNumber: 31,
      headSha: 'c'.repeat(40),
      headRepo: 'contributor/app',
      fork: true,
      privileged: true,
    });
  });
  test('pull_request_target is privileged (secrets, write token); pull_request is not', () => {
    const payload = pr('contributor/app', true);
    payload.pull_request.head = { ...payload.pull_request.head, sha: 'd'.repeat(40) } as never;
    expect(describeEvent(ctx('pull_request_target', payload))).toMatchObject({
      privileged: true,
      fork: true,
      headSha: 'd'.repeat(40),
      headRepo: 'contributor/app',
    });
    expect(describeEvent(ctx('pull_request', payload)).privileged).toBe(false);
  });
});

describe('readEventContext', () => {
  test('reads the runner environment and the payload file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tracegate-event-'));
    const file = path.join(dir, 'event.json');
    writeFileSync(file, JSON.stringify(pr('acme/app')));
    const c = readEventContext({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: file,
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_RUN_ID: '9',
    });
    expect(c).toMatchObject({ eventName: 'pull_request', repo, runId: 9, serverUrl: 'https://github.com' });
    expect(c.payload.pull_request.number).toBe(12);
  });
  test('a broken payload file is an error naming it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tracegate-event-'));
    const file = path.join(dir, 'event.json');
    writeFileSync(file, '{not json');
    expect(() => readEventContext({ GITHUB_EVENT_PATH: file })).toThrow(
      `GITHUB_EVENT_PATH ${file} is not valid JSON`,
    );
  });
});
