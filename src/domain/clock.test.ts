import { describe, expect, it } from 'vitest';
import { systemTimers } from './clock';

describe('systemTimers', () => {
  it('fires a timer and lets clearTimer cancel another', async () => {
    const timers = systemTimers();
    const fired: string[] = [];
    timers.setTimer(1, () => fired.push('kept'));
    timers.clearTimer(timers.setTimer(1, () => fired.push('cleared')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual(['kept']);
  });

  it('holds the process open by default, and not when asked (softphone pokes must not delay shutdown)', () => {
    const held = systemTimers().setTimer(60_000, () => undefined) as NodeJS.Timeout;
    const loose = systemTimers({ keepsProcessAlive: false }).setTimer(60_000, () => undefined) as NodeJS.Timeout;
    expect(held.hasRef()).toBe(true);
    expect(loose.hasRef()).toBe(false);
    clearTimeout(held);
    clearTimeout(loose);
  });
});
