import { describe, expect, it } from 'vitest';
import { sharedCheck } from './shared-check';

describe('sharedCheck (readiness probes)', () => {
  it('runs one check for a burst of callers, and a fresh one once the time is up', async () => {
    let clock = 0;
    let runs = 0;
    const check = sharedCheck(
      async () => {
        runs++;
      },
      1000,
      () => clock,
    );
    await Promise.all(Array.from({ length: 200 }, () => check()));
    expect(runs).toBe(1);
    clock = 999;
    await check();
    expect(runs).toBe(1);
    clock = 1000;
    await check();
    expect(runs).toBe(2);
  });

  it('a failure reaches every caller in its window, and the next window checks again', async () => {
    let clock = 0;
    let up = false;
    const check = sharedCheck(
      async () => {
        if (!up) throw new Error('database down');
      },
      1000,
      () => clock,
    );
    const results = await Promise.allSettled([check(), check(), check()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    up = true;
    await expect(check()).rejects.toThrow('database down');
    clock = 1500;
    await expect(check()).resolves.toBeUndefined();
  });
});
