/**
 * Optimal matching of expected items to actual items, one to one. `weight[i][j]` is how well actual `j` serves
 * expected `i`; `0` (or less) means "cannot be paired". The result gives, per expected item, the index of its
 * actual item or null, maximising the total weight:
 * - unordered: the Hungarian algorithm (Kuhn–Munkres, O(n³) on the padded square), so a tool call that fits
 *   two expectations goes to the one that needs it; greedy in-order matching gets
 *   `[f{a:1}, f{a:1,b:2}]` against `[f{a:1,b:2}, f{a:1}]` wrong.
 * - ordered: the heaviest order-preserving matching (a weighted longest-common-subsequence, O(n·m)), so an
 *   early near-miss does not block the later exact call.
 */
export function bestAssignment(weight: number[][], ordered = false): Array<number | null> {
  const n = weight.length;
  const m = n ? weight[0].length : 0;
  if (n === 0) return [];
  if (m === 0) return new Array<number | null>(n).fill(null);
  return ordered ? orderedAssignment(weight, n, m) : hungarian(weight, n, m);
}

function orderedAssignment(weight: number[][], n: number, m: number): Array<number | null> {
  // best[i][j]: the heaviest order-preserving matching of expected[i..] with actual[j..].
  const best = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const pair = weight[i][j] > 0 ? weight[i][j] + best[i + 1][j + 1] : -Infinity;
      best[i][j] = Math.max(pair, best[i + 1][j], best[i][j + 1]);
    }
  }
  const out = new Array<number | null>(n).fill(null);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (weight[i][j] > 0 && best[i][j] === weight[i][j] + best[i + 1][j + 1]) out[i++] = j++;
    // Ties skip an actual call before an expected one, so the earliest expectations keep their matches.
    else if (best[i][j] === best[i][j + 1]) j++;
    else i++;
  }
  return out;
}

/** Kuhn–Munkres on the square of size max(n, m), minimising cost = (max weight − weight). */
function hungarian(weight: number[][], n: number, m: number): Array<number | null> {
  const size = Math.max(n, m);
  let top = 0;
  for (const row of weight) for (const w of row) if (w > top) top = w;
  const cost = (i: number, j: number) => (i < n && j < m && weight[i][j] > 0 ? top - weight[i][j] : top);
  // Potentials u (rows) and v (columns), 1-based with a sentinel column 0 (the classic e-maxx formulation).
  const u = new Float64Array(size + 1);
  const v = new Float64Array(size + 1);
  const rowOf = new Int32Array(size + 1); // rowOf[column] = the row assigned to it (0 = none)
  const way = new Int32Array(size + 1);
  for (let row = 1; row <= size; row++) {
    rowOf[0] = row;
    let col0 = 0;
    const minv = new Float64Array(size + 1).fill(Infinity);
    const used = new Uint8Array(size + 1);
    do {
      used[col0] = 1;
      const i0 = rowOf[col0];
      let delta = Infinity;
      let col1 = 0;
      for (let j = 1; j <= size; j++) {
        if (used[j]) continue;
        const reduced = cost(i0 - 1, j - 1) - u[i0] - v[j];
        if (reduced < minv[j]) {
          minv[j] = reduced;
          way[j] = col0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          col1 = j;
        }
      }
      for (let j = 0; j <= size; j++) {
        if (used[j]) {
          u[rowOf[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      col0 = col1;
    } while (rowOf[col0] !== 0);
    do {
      const col1 = way[col0];
      rowOf[col0] = rowOf[col1];
      col0 = col1;
    } while (col0 !== 0);
  }
  const out = new Array<number | null>(n).fill(null);
  for (let j = 1; j <= size; j++) {
    const i = rowOf[j] - 1;
    if (i >= 0 && i < n && j - 1 < m && weight[i][j - 1] > 0) out[i] = j - 1;
  }
  return out;
}
