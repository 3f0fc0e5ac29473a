import { describe, expect, it } from 'vitest';
import { createInProcessPubSub } from '../../store/pubsub';
import { createDeskPresence } from './desk-presence';

describe('desk presence across processes', () => {
  it('an operator free in one process counts in the other until the announcements stop for three beats', async () => {
    const pubsub = createInProcessPubSub();
    let clock = 1_000;
    const deskA = { free: 0, availableCount: () => deskA.free };
    const deskB = { free: 0, availableCount: () => deskB.free };
    const a = createDeskPresence({ desk: deskA, pubsub, processId: 'a', everyMs: 60_000, now: () => clock });
    const b = createDeskPresence({ desk: deskB, pubsub, processId: 'b', everyMs: 60_000, now: () => clock });
    await a.start();
    await b.start();
    expect(a.anyAvailable()).toBe(false);
    deskB.free = 1;
    expect(b.anyAvailable()).toBe(true);
    // B's next beat (stopping and starting again announces at once).
    await b.stop();
    await b.start();
    await new Promise((r) => setTimeout(r, 10));
    expect(a.anyAvailable()).toBe(true);
    clock += 3 * 60_000 + 1;
    expect(a.anyAvailable()).toBe(false);
    await a.stop();
    await b.stop();
  });
});
