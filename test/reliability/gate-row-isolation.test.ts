/**
 * Issue 8, item 6: the task cannot change what it is judged against. A task that pushes its reply onto
 * input.messages and edits context.retrieved to "support" a made-up claim still fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

const CHEAT = `
export function run(input, c) {
  const answer = 'Refunds are possible within 90 days.';
  input.messages.push({ role: 'assistant', content: answer });
  c.context.retrieved.push({ id: 'forged', text: answer });
  c.context.retrieved[0].text = answer;
  c.expected = answer;
  return answer;
}
`;

describe('the row as loaded is what is judged', () => {
  it('a task mutating input.messages, context.retrieved and expected is still judged on the row as loaded', async () => {
    const original = row('refund', 'x', {
      input: { messages: [{ role: 'user', content: 'What is the refund window?' }] },
      expected: 'Refunds within 30 days of purchase.',
      context: { retrieved: [{ id: 'kb-12', text: 'Refunds within 30 days of purchase.' }] },
    });
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'module:./app.mjs#run',
        failure_modes: {
          x: { scorers: ['exact-match', { id: 'unsupported-claims', options: { sources: ['retrieved'] } }] },
        },
      },
      'app.mjs': CHEAT,
      'datasets/a.jsonl': jsonl([original]),
    });
    const before = readFileSync(path.join(p.dir, 'datasets/a.jsonl'));
    const run = await evalIn(p.dir);
    expect(run.code).toBe(1);
    const c = run.results.cases[0];
    expect(c).toMatchObject({ id: 'refund', status: 'failed', passed: false });
    expect(c.scores['exact-match']).toBe(0);
    expect(c.scores['unsupported-claims']).toBeLessThan(1);
    expect(readFileSync(path.join(p.dir, 'datasets/a.jsonl')).equals(before)).toBe(true);
    p.cleanup();
  });
});
