import { describe, expect, it, vi } from 'vitest';
import type { Outcome } from '../agent/types';
import type { CallOwnership } from './call-owners';
import type { CallSession } from './call-session';
import { createRunningCalls } from './running-calls';

/**
 * The owner's beat cuts only calls another process ended. Found in the fresh-user walk (SIGTERM
 * mid-call on PostgreSQL): a call that ended here on its own logged "call ended elsewhere … line cut",
 * because its row was already `ended` by this process's own finish while the session was still held.
 */
function rig(endedInStore: () => string[]) {
  let beat: () => Promise<void> = async () => undefined;
  const owners = { onBeat: (l: () => Promise<void>) => void (beat = l) } as unknown as CallOwnership;
  const warn = vi.fn();
  const running = createRunningCalls({
    records: {
      endedAmong: async (ids) => endedInStore().filter((id) => ids.includes(id)),
      stale: async () => [],
      reapOwners: async () => undefined,
    },
    owners,
    clock: { now: () => new Date() },
    log: { warn, info: vi.fn() } as never,
    abandon: async () => undefined,
  });
  const session = () => ({ done: new Promise<Outcome>(() => undefined), detach: vi.fn(), takeOver: () => false }) satisfies CallSession;
  return { running, beat: () => beat(), warn, session };
}

describe('running calls and the owner beat', () => {
  it('a call another process ended is cut, with a warning', async () => {
    const r = rig(() => ['c1']);
    const s = r.session();
    r.running.add('c1', s);
    await r.beat();
    expect(s.detach).toHaveBeenCalledTimes(1);
    expect(r.warn).toHaveBeenCalledTimes(1);
    expect(r.running.count()).toBe(0);
  });

  it('a call this process is finishing (its row already ended here) is left to end on its own', async () => {
    const r = rig(() => ['c1']);
    const s = r.session();
    r.running.add('c1', s);
    r.running.ending('c1');
    await r.beat();
    expect(s.detach).not.toHaveBeenCalled();
    expect(r.warn).not.toHaveBeenCalled();
    r.running.forget('c1');
    expect(r.running.count()).toBe(0);
  });

  it('a beat whose query answers after the call ended here neither warns nor cuts', async () => {
    const r = rig(() => ['c1']);
    const s = r.session();
    r.running.add('c1', s);
    const beat = r.beat();
    // The store answers 'ended' for a list read before the call ended here and was forgotten.
    r.running.forget('c1');
    await beat;
    expect(s.detach).not.toHaveBeenCalled();
    expect(r.warn).not.toHaveBeenCalled();
  });
});
