import fc from 'fast-check';
import { bestAssignment } from '../../scorers/util/assignment.js';

/** Every one-to-one partial matching, exhaustively (fine for n, m ≤ 5): the exact search to compare against. */
function bruteForce(weight: number[][], ordered: boolean): number {
  const n = weight.length;
  const m = n ? weight[0].length : 0;
  let best = 0;
  const used = new Array<boolean>(m).fill(false);
  const go = (i: number, total: number, last: number) => {
    if (i === n) {
      best = Math.max(best, total);
      return;
    }
    go(i + 1, total, last); // expected i unmatched
    for (let j = ordered ? last + 1 : 0; j < m; j++) {
      if (used[j] || weight[i][j] <= 0) continue;
      used[j] = true;
      go(i + 1, total + weight[i][j], j);
      used[j] = false;
    }
  };
  go(0, 0, -1);
  return best;
}

function totalOf(weight: number[][], assigned: Array<number | null>): number {
  return assigned.reduce<number>((sum, j, i) => sum + (j === null ? 0 : weight[i][j]), 0);
}

const matrix = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })).chain(([n, m]) =>
  fc.array(
    fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })), { minLength: m, maxLength: m }),
    {
      minLength: n,
      maxLength: n,
    },
  ),
);

describe('bestAssignment', () => {
  it.each([false, true])(
    'ordered=%s: a valid one-to-one matching as heavy as the exhaustive search',
    (ordered) => {
      fc.assert(
        fc.property(matrix, (weight) => {
          const assigned = bestAssignment(weight, ordered);
          expect(assigned).toHaveLength(weight.length);
          const columns = assigned.filter((j): j is number => j !== null);
          expect(new Set(columns).size).toBe(columns.length); // one actual item per expected item
          assigned.forEach((j, i) => j !== null && expect(weight[i][j]).toBeGreaterThan(0)); // only allowed pairs
          if (ordered) expect(columns).toEqual([...columns].sort((a, b) => a - b));
          expect(totalOf(weight, assigned)).toBe(bruteForce(weight, ordered));
        }),
        { numRuns: 400 },
      );
    },
  );

  it('gives the contested item to the row that needs it (greedy would not)', () => {
    // Row 0 fits both columns, row 1 only column 0: greedy gives column 0 to row 0 and leaves row 1 unmatched.
    expect(
      bestAssignment([
        [2, 1],
        [2, 0],
      ]),
    ).toEqual([1, 0]);
  });

  it('ordered: keeps the expected order and the earliest expectations on ties', () => {
    expect(
      bestAssignment(
        [
          [0, 1],
          [1, 0],
        ],
        true,
      ),
    ).toEqual([1, null]);
    expect(
      bestAssignment(
        [
          [1, 0, 0],
          [0, 0, 1],
        ],
        true,
      ),
    ).toEqual([0, 2]);
  });

  it('handles empty sides', () => {
    expect(bestAssignment([])).toEqual([]);
    expect(bestAssignment([[], []])).toEqual([null, null]);
  });
});
