import { DeadlineQueue } from '../../src/run/deadline-queue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const never = () => new Promise<never>(() => {});

describe('DeadlineQueue', () => {
  it('resolves work that finishes in time and rejects work that does not, at its own deadline', async () => {
    const queue = new DeadlineQueue(80);
    const started = performance.now();
    const outcomes: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => outcomes.push(`${name} ok`),
        (e: Error) =>
          outcomes.push(`${name} ${e.message} @${Math.round((performance.now() - started) / 10) * 10}`),
      );
    const a = track(
      'a',
      queue.race(
        sleep(10).then(() => 'a'),
        () => new Error('timeout'),
      ),
    );
    await sleep(30);
    const b = track(
      'b',
      queue.race(never(), () => new Error('timeout')),
    );
    const c = track(
      'c',
      queue.race(sleep(5), () => new Error('timeout')),
    );
    await Promise.all([a, b, c]);
    queue.close();
    expect(outcomes[0]).toBe('a ok');
    expect(outcomes[1]).toBe('c ok');
    // b was added 30 ms in with an 80 ms timeout: it expires near 110 ms, not at a's deadline (80 ms).
    const at = Number(/@(\d+)/.exec(outcomes[2])![1]);
    expect(outcomes[2]).toMatch(/^b timeout/);
    expect(at).toBeGreaterThanOrEqual(100);
    expect(at).toBeLessThan(250);
  });

  it("calls onTimeout once, and passes on the work's own error", async () => {
    const queue = new DeadlineQueue(20);
    let calls = 0;
    await expect(queue.race(never(), () => (calls++, new Error('late')))).rejects.toThrow('late');
    await expect(queue.race(Promise.reject(new Error('own')), () => new Error('late'))).rejects.toThrow(
      'own',
    );
    await sleep(40);
    expect(calls).toBe(1);
    queue.close();
  });

  it('keeps only in-flight work listed, and close() leaves no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const queue = new DeadlineQueue(60_000);
    for (let i = 0; i < 5000; i++) await queue.race(Promise.resolve(i), () => new Error('timeout'));
    expect(queue.listed).toBeLessThanOrEqual(1);
    expect(timers()).toBe(before + 1);
    queue.close();
    expect(queue.listed).toBe(0);
    expect(timers()).toBe(before);
  });
});
