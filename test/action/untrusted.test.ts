import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkUntrustedCode, fileScorersOf } from '../../src/action/untrusted.js';
import { headMismatch } from '../../src/action/verify-head.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fork = { name: 'pull_request_target', fork: true };
const noConfig = { fileScorers: [] };

describe('checkUntrustedCode', () => {
  test.each([
    [
      'pull_request from a fork: runs (no secrets there)',
      { name: 'pull_request', fork: true },
      {},
      noConfig,
      true,
    ],
    [
      'pull_request_target, same repository: runs',
      { name: 'pull_request_target', fork: false },
      {},
      noConfig,
      true,
    ],
    ['pull_request_target fork, default task (replay): runs', fork, {}, noConfig, true],
    [
      '… module task from the config: refused',
      fork,
      {},
      { file: '/r/tracegate.config.json', task: 'module:./a.js#f', fileScorers: [] },
      false,
    ],
    ['… http task as input: refused', fork, { task: 'http://localhost:3000' }, noConfig, false],
    [
      '… replay input overrides the config task: runs',
      fork,
      { task: 'replay' },
      { file: '/r/c.json', task: 'cmd:x', fileScorers: [] },
      true,
    ],
    [
      '… a .ts config: refused',
      fork,
      { task: 'replay' },
      { file: '/r/tracegate.config.ts', fileScorers: [] },
      false,
    ],
    ['… a file: scorer: refused', fork, {}, { file: '/r/c.json', fileScorers: ['file:./s.js'] }, false],
    [
      '… an unreadable config: refused',
      fork,
      {},
      { file: '/r/c.json', fileScorers: [], unreadable: 'bad JSON' },
      false,
    ],
    [
      '… allow-untrusted-code: runs',
      fork,
      { task: 'cmd:python app.py', allowUntrustedCode: true },
      noConfig,
      true,
    ],
  ] as const)('%s', (_name, event, settings, config, runs) => {
    const verdict = checkUntrustedCode(event, { allowUntrustedCode: false, ...settings }, 'eval', {
      ...config,
      fileScorers: [...config.fileScorers],
    });
    expect(verdict.run).toBe(runs);
  });

  test('the merge job runs no code, whatever the event', () => {
    expect(
      checkUntrustedCode(fork, { task: 'cmd:x', allowUntrustedCode: false }, 'merge', noConfig).run,
    ).toBe(true);
  });

  test('the refusal quoted in docs/action-security.md is the one the action gives', () => {
    const doc = readFileSync(path.join(root, 'docs', 'action-security.md'), 'utf8');
    const block = /```\n(Refusing[\s\S]*?)\n```/.exec(doc)![1].replace(/\s+/g, ' ').replace(/ …$/, '');
    const verdict = checkUntrustedCode(
      fork,
      { task: 'module:./app.js#answer', allowUntrustedCode: false },
      'eval',
      noConfig,
    );
    expect(verdict.run).toBe(false);
    expect(verdict.run === false && verdict.reason).toContain(block);
  });

  test('fileScorersOf finds file: scorers per mode and globally', () => {
    expect(
      fileScorersOf({
        scorers: ['contains', { id: 'file:./g.js' }],
        failure_modes: { hallucination: { scorers: ['file:./h.ts#x', { id: 'json-schema' }] }, x: null },
      }),
    ).toEqual(['file:./g.js', 'file:./h.ts#x']);
    expect(fileScorersOf(null)).toEqual([]);
  });
});

describe('headMismatch', () => {
  const event = { prNumber: 7, headSha: 'c'.repeat(40), headRepo: 'contributor/app' };
  test.each([
    ['same commit and repository', { sha: 'c'.repeat(40), repo: 'contributor/app' }, undefined],
    ['repository compared case-insensitively', { sha: 'c'.repeat(40), repo: 'Contributor/App' }, undefined],
    [
      'another commit',
      { sha: 'd'.repeat(40), repo: 'contributor/app' },
      /is at ddddddd, but the triggering run tested ccccccc/,
    ],
    [
      'another repository',
      { sha: 'c'.repeat(40), repo: 'mallory/app' },
      /comes from mallory\/app, but the triggering run came from contributor\/app/,
    ],
    ['a deleted fork', { sha: 'c'.repeat(40), repo: null }, /comes from a deleted repository/],
    ['no head commit from the API', {}, /the API gave no head commit/],
  ])('%s', (_name, pull, expected) => {
    const got = headMismatch(event, pull);
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(expected);
  });
  test('an event without a head commit cannot be checked: refused', () => {
    expect(headMismatch({ prNumber: 7 }, { sha: 'c'.repeat(40), repo: 'x/y' })).toMatch(
      /names no head commit/,
    );
  });
});
