/**
 * The action inputs `allow-empty` and `on-skipped` mirror the CLI flags (issue 8, items 2 and 9).
 */
import { getSettings, InputError } from '../../src/action/inputs.js';

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

describe('action inputs allow-empty and on-skipped', () => {
  it('are undefined when unset (the config decides)', () => {
    const s = getSettings(reader({}), '/ws');
    expect(s.allowEmpty).toBeUndefined();
    expect(s.onSkipped).toBeUndefined();
  });
  it.each([
    [
      { 'allow-empty': 'true', 'on-skipped': 'warn' },
      { allowEmpty: true, onSkipped: 'warn' },
    ],
    [
      { 'allow-empty': 'false', 'on-skipped': 'fail' },
      { allowEmpty: false, onSkipped: 'fail' },
    ],
  ])('%j', (inputs, expected) => {
    expect(getSettings(reader(inputs), '/ws')).toMatchObject(expected);
  });
  it.each([
    [{ 'allow-empty': 'yes' }, "Invalid allow-empty 'yes'. Expected one of: true, false."],
    [{ 'on-skipped': 'ignore' }, "Invalid on-skipped 'ignore'. Expected one of: fail, warn."],
  ])('%j is an input error quoting the value', (inputs, message) => {
    expect(() => getSettings(reader(inputs), '/ws')).toThrow(InputError);
    expect(() => getSettings(reader(inputs), '/ws')).toThrow(message);
  });
});
