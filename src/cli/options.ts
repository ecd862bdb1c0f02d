import { UsageError } from '../errors.js';

/** A commander option parser for a whole number ≥ 1 whose error names the flag and the value. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`${flag} "${value}": expected a whole number ≥ 1`);
    return n;
  };
}

/** A commander option parser that collects a repeatable option into a list. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
