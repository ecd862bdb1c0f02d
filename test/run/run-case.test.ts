import {
  cloneRow,
  deepFreeze,
  expectsEmptyOutput,
  invalidScore,
  isEmptyOutput,
} from '../../src/run/run-case.js';
import type { RegressionCase } from '../../src/cases/regression-case.js';

describe('invalidScore', () => {
  it.each([
    [{ name: 's', score: 0 }, undefined],
    [{ name: 's', score: 1 }, undefined],
    [{ name: 's', score: 0.5 }, undefined],
    [{ name: 's', score: null }, undefined],
    [{ name: 's', score: 2 }, 'returned score 2: expected a number in 0..1, or null for not applicable'],
    [
      { name: 's', score: -0.01 },
      'returned score -0.01: expected a number in 0..1, or null for not applicable',
    ],
    [
      { name: 's', score: Infinity },
      'returned score Infinity: expected a number in 0..1, or null for not applicable',
    ],
    [{ name: 's', score: NaN }, 'returned score NaN: expected a number in 0..1, or null for not applicable'],
    [
      { name: 's', score: 1e308 },
      'returned score 1e+308: expected a number in 0..1, or null for not applicable',
    ],
    [{ name: 's', score: '0' }, 'returned score "0": expected a number in 0..1, or null for not applicable'],
    [
      { name: 's', score: true },
      'returned score true: expected a number in 0..1, or null for not applicable',
    ],
    [{ name: 's', score: {} }, 'returned score {}: expected a number in 0..1, or null for not applicable'],
    [
      { name: 's', score: undefined },
      'returned score undefined: expected a number in 0..1, or null for not applicable',
    ],
    [{ name: 's' }, 'returned {"name":"s"} instead of {name, score}'],
    [undefined, 'returned undefined instead of {name, score}'],
    [0.5, 'returned 0.5 instead of {name, score}'],
  ])('%j → %j', (score, problem) => {
    expect(invalidScore(score)).toBe(problem);
  });
});

describe('empty output', () => {
  it.each([
    [{ output: null }, true],
    [{ output: undefined }, true],
    [{ output: '' }, true],
    [{ output: '  \n' }, true],
    [{ output: '', tool_calls: [{ name: 'lookup_order', arguments: {} }] }, false],
    [{ output: '', tool_calls: [] }, true],
    [{ output: 0 }, false],
    [{ output: false }, false],
    [{ output: {} }, false],
    [{ output: 'ok' }, false],
  ])('%j is empty: %s', (result, empty) => {
    expect(isEmptyOutput(result)).toBe(empty);
  });
  const row = (extra: object) =>
    ({ id: 'a', input: 1, metadata: { failure_mode: 'x' }, ...extra }) as RegressionCase;
  it.each([
    [{}, false],
    [{ expected: '' }, true],
    [{ expected: null }, true],
    [{ expected: { output: '' } }, true],
    [{ expected: { answer: null } }, true],
    [{ expected: 'hi' }, false],
    [{ expected: { answer: 'hi' } }, false],
    [{ expected: 0 }, false],
  ])('row %j expects empty output: %s', (extra, expects) => {
    expect(expectsEmptyOutput(row(extra))).toBe(expects);
  });
});

describe('row isolation', () => {
  it('cloneRow copies deeply (the copy is mutable, the original unchanged) and deepFreeze freezes deeply', () => {
    const original = deepFreeze({ input: { messages: [{ role: 'user', content: 'q' }] }, when: new Date(0) });
    const copy = cloneRow(original);
    copy.input.messages.push({ role: 'assistant', content: 'a' });
    expect(original.input.messages).toHaveLength(1);
    expect(copy.when).toEqual(new Date(0));
    expect(copy.when).not.toBe(original.when);
    expect(Object.isFrozen(original.input.messages[0])).toBe(true);
    expect(() => (original.input.messages as unknown[]).push(1)).toThrow(TypeError);
  });
});
