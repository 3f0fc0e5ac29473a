import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JobSystem } from './job-system';
import { PermanentJobError, isPermanentJobFailure } from './queue';
import { openJobPayload, sealJobs } from './sealed-jobs';

/** An engine that keeps what it was given and runs a registered handler on demand. */
function fakeEngine() {
  const stored: Array<{ kind: string; payload: unknown }> = [];
  const handlers = new Map<string, (payload: unknown) => Promise<void>>();
  const system: JobSystem = {
    engine: 'embedded',
    queue: {
      enqueue: async (kind, payload) => {
        stored.push({ kind, payload: JSON.parse(JSON.stringify(payload)) as unknown });
        return String(stored.length);
      },
    },
    worker: {
      register: (kind, handler) =>
        void handlers.set(kind, (p) =>
          handler(p, { jobId: '1', attempt: 1, signal: new AbortController().signal, complete: (e) => e(null as never) }),
        ),
      start: () => undefined,
      stop: async () => undefined,
      wake: () => undefined,
      runDue: async () => 0,
    },
    cancelByDedupeKey: async () => false,
    stats: async () => ({ queued: 0, running: 0, done: 0, dead: 0 }),
  };
  return { system, stored, run: (kind: string, payload: unknown) => handlers.get(kind)!(payload) };
}

describe('sealed job payloads', () => {
  const key = randomBytes(32);

  it('the engine stores only ciphertext; the handler gets the payload as enqueued', async () => {
    const engine = fakeEngine();
    const jobs = sealJobs(engine.system, key);
    const heard: unknown[] = [];
    jobs.worker.register('mail.send', async (p) => void heard.push(p));
    const payload = { to: 'owner@example.com', text: 'Your code is 12345678' };
    await jobs.queue.enqueue('mail.send', payload);
    expect(JSON.stringify(engine.stored)).not.toMatch(/owner@example\.com|12345678/);
    await engine.run('mail.send', engine.stored[0]!.payload);
    expect(heard).toEqual([payload]);
  });

  it('a sealed payload under another key, or moved to another kind, is a permanent failure; an unsealed one (queued before) runs as it is', async () => {
    const engine = fakeEngine();
    await sealJobs(engine.system, key).queue.enqueue('mail.send', { to: 'a@example.com' });
    const sealed = engine.stored[0]!.payload;
    for (const attempt of [
      () => openJobPayload(randomBytes(32), 'mail.send', sealed),
      () => openJobPayload(key, 'callback.start', sealed),
    ]) {
      expect(attempt).toThrow(PermanentJobError);
      try {
        attempt();
      } catch (err) {
        expect(isPermanentJobFailure(err)).toBe(true);
      }
    }
    expect(openJobPayload(key, 'callback.start', { caseId: 'c-1' })).toEqual({ caseId: 'c-1' });
  });
});
