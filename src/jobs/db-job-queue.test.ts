import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FreshStore, openFreshStore } from '../../test/jobs/fresh-store';
import { systemClock } from '../domain/clock';
import { createLogger } from '../observability/logger';
import { writeTransaction } from '../store/write-transaction';
import { createDbJobQueue, type DbJobQueueOptions } from './db-job-queue';
import { JobInputError, LeaseLostError, PermanentJobError, RetryableJobError } from './queue';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

const targets = [
  { name: 'SQLite', url: undefined, enabled: true },
  { name: 'PostgreSQL', url: postgresUrl, enabled: Boolean(postgresUrl) },
];

function manualClock(startIso = '2026-12-01T00:00:00.000Z') {
  let t = new Date(startIso).getTime();
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: createLogger('debug', sink), text: () => lines.join('') };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

for (const target of targets) {
  describe.runIf(target.enabled)(`db job queue on ${target.name}`, () => {
    let fresh: FreshStore;
    let clock: ReturnType<typeof manualClock>;
    let log: ReturnType<typeof capturedLogger>;

    const make = (overrides: Partial<DbJobQueueOptions> = {}) =>
      createDbJobQueue({
        store: fresh.store,
        clock,
        logger: log.logger,
        workerId: 'w1',
        leaseMs: 60_000,
        backoff: { baseMs: 1_000, maxMs: 60_000 },
        random: () => 0, // jitter at its lowest: delay = half the ceiling
        ...overrides,
      });

    const jobRow = (id: string) => fresh.store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    beforeAll(async () => {
      fresh = await openFreshStore(target.url);
      // A table for handler side effects; test-only, so it is not part of the product schema.
      await fresh.store.db.schema
        .createTable('test_effects')
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .execute();
    });

    beforeEach(async () => {
      await fresh.store.db.deleteFrom('jobs').execute();
      await sql`delete from test_effects`.execute(fresh.store.db);
      clock = manualClock();
      log = capturedLogger();
    });

    afterAll(async () => {
      await fresh.dispose();
    });

    const effects = async () =>
      (await sql<{ job_id: string; note: string }>`select job_id, note from test_effects order by note`.execute(fresh.store.db)).rows;

    it('runs a job with its payload and marks it done', async () => {
      const q = make();
      const seen: unknown[] = [];
      q.worker.register('greet', async (payload, ctx) => {
        seen.push(payload, ctx.attempt);
      });
      const id = await q.queue.enqueue('greet', { name: 'Hanako' });
      expect(await q.worker.runDue()).toBe(1);
      expect(seen).toEqual([{ name: 'Hanako' }, 1]);
      expect((await jobRow(id)).state).toBe('done');
      expect(await q.stats('greet')).toEqual({ queued: 0, running: 0, done: 1, dead: 0 });
    });

    it('keeps no payload once a job is done, dead or cancelled (a code mail must not stay at rest)', async () => {
      const q = make();
      q.worker.register('secret.ok', async () => undefined);
      q.worker.register('secret.fail', async () => {
        throw new Error('nope');
      });
      const done = await q.queue.enqueue('secret.ok', { code: '12675693' });
      const dead = await q.queue.enqueue('secret.fail', { code: '12675693' }, { maxAttempts: 1 });
      await q.queue.enqueue('secret.later', { code: '12675693' }, { dedupeKey: 'later', runAt: new Date(clock.now().getTime() + 60_000) });
      await q.worker.runDue();
      expect(await q.cancelByDedupeKey('later')).toBe(true);
      expect((await jobRow(done)).state).toBe('done');
      expect((await jobRow(dead)).state).toBe('dead');
      const payloads = await fresh.store.db.selectFrom('jobs').select(['payload']).execute();
      expect(payloads).toHaveLength(3);
      for (const row of payloads) expect(row.payload).not.toContain('12675693');
    });

    it('waits for runAt and only claims kinds it handles', async () => {
      const q = make();
      let runs = 0;
      q.worker.register('later', async () => void runs++);
      await q.queue.enqueue('later', null, { runAt: new Date(clock.now().getTime() + 5_000) });
      await q.queue.enqueue('someone-else', null);
      expect(await q.worker.runDue()).toBe(0);
      clock.advance(5_000);
      expect(await q.worker.runDue()).toBe(1);
      expect(runs).toBe(1);
      expect((await q.stats('someone-else')).queued).toBe(1);
    });

    it('retries a failed job with exponential backoff, then succeeds', async () => {
      const q = make();
      let calls = 0;
      q.worker.register('flaky', async () => {
        calls++;
        if (calls < 3) throw new Error('smtp unavailable');
      });
      const id = await q.queue.enqueue('flaky', {});
      expect(await q.worker.runDue()).toBe(1);
      let row = await jobRow(id);
      expect(row).toMatchObject({ state: 'queued', attempts: 1, last_error: 'Error: smtp unavailable', locked_by: null });
      expect(row.run_at).toBe(new Date(clock.now().getTime() + 500).toISOString()); // ceiling 1s, jitter 0 → 0.5s

      clock.advance(499);
      expect(await q.worker.runDue()).toBe(0);
      clock.advance(1);
      expect(await q.worker.runDue()).toBe(1);
      row = await jobRow(id);
      expect(row.run_at).toBe(new Date(clock.now().getTime() + 1_000).toISOString()); // ceiling doubled to 2s

      clock.advance(1_000);
      expect(await q.worker.runDue()).toBe(1);
      expect(await jobRow(id)).toMatchObject({ state: 'done', attempts: 3 });
    });

    it('honours RetryableJobError.retryAfterMs', async () => {
      const q = make();
      q.worker.register('call', async () => {
        throw new RetryableJobError('no answer', { retryAfterMs: 30 * 60_000 });
      });
      const id = await q.queue.enqueue('call', {});
      await q.worker.runDue();
      expect((await jobRow(id)).run_at).toBe(new Date(clock.now().getTime() + 30 * 60_000).toISOString());
    });

    it('marks a job dead after maxAttempts and never logs its payload', async () => {
      const q = make();
      q.worker.register('doomed', async () => {
        throw new Error('boom');
      });
      const id = await q.queue.enqueue('doomed', { email: 'taro@example.jp', code: '482913' }, { maxAttempts: 2 });
      await q.worker.runDue();
      clock.advance(60_000);
      await q.worker.runDue();
      expect(await jobRow(id)).toMatchObject({ state: 'dead', attempts: 2, last_error: 'Error: boom' });
      clock.advance(3_600_000);
      expect(await q.worker.runDue()).toBe(0);
      expect(log.text()).toContain('job dead after its last attempt');
      expect(log.text()).not.toContain('taro@example.jp');
      expect(log.text()).not.toContain('482913');
    });

    it('marks a job dead at once on a permanent failure or a payload that is not JSON', async () => {
      const q = make();
      q.worker.register('hopeless', async () => {
        throw new PermanentJobError('payload names no case');
      });
      q.worker.register('refused', async () => {
        throw Object.assign(new Error('550 no such mailbox'), { retryable: false });
      });
      let ran = 0;
      q.worker.register('garbled', async () => void ran++);
      const hopeless = await q.queue.enqueue('hopeless', {}, { maxAttempts: 5 });
      const refused = await q.queue.enqueue('refused', {}, { maxAttempts: 5 });
      const garbled = await q.queue.enqueue('garbled', {}, { maxAttempts: 5 });
      await fresh.store.db.updateTable('jobs').set({ payload: '{"caseId":' }).where('id', '=', garbled).execute();
      await q.worker.runDue();
      expect(await jobRow(hopeless)).toMatchObject({ state: 'dead', attempts: 1 });
      expect(await jobRow(refused)).toMatchObject({ state: 'dead', attempts: 1 });
      expect(await jobRow(garbled)).toMatchObject({
        state: 'dead',
        attempts: 1,
        last_error: 'PermanentJobError: job payload is not valid JSON',
      });
      expect(ran).toBe(0);
    });

    it('dedupes by key, and cancelling frees the key', async () => {
      const q = make();
      const a = await q.queue.enqueue('mail', { n: 1 }, { dedupeKey: 'case-1:ack' });
      const b = await q.queue.enqueue('mail', { n: 2 }, { dedupeKey: 'case-1:ack' });
      expect(b).toBe(a);
      expect((await q.stats('mail')).queued).toBe(1);
      expect(JSON.parse((await jobRow(a)).payload)).toEqual({ n: 1 });

      expect(await q.cancelByDedupeKey('case-1:ack')).toBe(true);
      expect(await q.cancelByDedupeKey('case-1:ack')).toBe(false);
      expect(await jobRow(a)).toMatchObject({ state: 'dead', last_error: 'cancelled' });
      const c = await q.queue.enqueue('mail', { n: 3 }, { dedupeKey: 'case-1:ack' });
      expect(c).not.toBe(a);
    });

    it('enqueues inside the caller transaction: a rollback leaves no job', async () => {
      const q = make();
      await expect(
        writeTransaction(fresh.store, async (trx) => {
          await q.queue.enqueue('mail', {}, {}, trx);
          throw new Error('caller failed');
        }),
      ).rejects.toThrow('caller failed');
      expect((await q.stats('mail')).queued).toBe(0);
      await writeTransaction(fresh.store, (trx) => q.queue.enqueue('mail', {}, {}, trx));
      expect((await q.stats('mail')).queued).toBe(1);
    });

    it('commits handler effects with the done mark, and rolls both back on failure', async () => {
      const q = make();
      let calls = 0;
      q.worker.register('effect', async (_p, ctx) => {
        calls++;
        await ctx.complete(async (trx) => {
          await sql`insert into test_effects (job_id, note) values (${ctx.jobId}, ${`try${calls}`})`.execute(trx);
          if (calls === 1) throw new Error('failed mid-transaction');
        });
      });
      const id = await q.queue.enqueue('effect', {});
      await q.worker.runDue();
      expect(await effects()).toEqual([]);
      expect((await jobRow(id)).state).toBe('queued');
      clock.advance(1_000);
      await q.worker.runDue();
      expect(await effects()).toEqual([{ job_id: id, note: 'try2' }]);
      expect((await jobRow(id)).state).toBe('done');
    });

    it('reclaims a job whose lease expired; the stale worker cannot complete it', async () => {
      const stale = make({ workerId: 'stale' });
      const other = make({ workerId: 'other' });
      const staleStarted = deferred();
      const releaseStale = deferred();
      const otherStarted = deferred();
      const releaseOther = deferred();
      let staleError: unknown;
      stale.worker.register('effect', async (_p, ctx) => {
        staleStarted.resolve();
        await releaseStale.promise;
        try {
          await ctx.complete(async (trx) => {
            await sql`insert into test_effects (job_id, note) values (${ctx.jobId}, 'stale')`.execute(trx);
          });
        } catch (err) {
          staleError = err;
          throw err;
        }
      });
      other.worker.register('effect', async (_p, ctx) => {
        otherStarted.resolve();
        await releaseOther.promise;
        await ctx.complete(async (trx) => {
          await sql`insert into test_effects (job_id, note) values (${ctx.jobId}, ${`other attempt ${ctx.attempt}`})`.execute(trx);
        });
      });
      const id = await stale.queue.enqueue('effect', {});
      const staleRun = stale.worker.runDue();
      await staleStarted.promise;
      expect(await other.worker.runDue()).toBe(0); // still leased
      clock.advance(60_001);
      const otherRun = other.worker.runDue();
      await otherStarted.promise;
      // Both handlers are now inside the same job; only the current lease holder may complete it.
      releaseStale.resolve();
      await staleRun;
      expect(staleError).toBeInstanceOf(LeaseLostError);
      expect(await jobRow(id)).toMatchObject({ state: 'running', locked_by: 'other', attempts: 2 });
      releaseOther.resolve();
      expect(await otherRun).toBe(1);
      expect(await effects()).toEqual([{ job_id: id, note: 'other attempt 2' }]);
      expect(await jobRow(id)).toMatchObject({ state: 'done', attempts: 2 });
    });

    it('marks dead a job whose lease expired on its last attempt', async () => {
      const crashed = make({ workerId: 'crashed' });
      const hang = deferred();
      crashed.worker.register('x', () => hang.promise);
      const id = await crashed.queue.enqueue('x', {}, { maxAttempts: 1 });
      const run = crashed.worker.runDue();
      await new Promise((r) => setTimeout(r, 50));
      clock.advance(60_001);
      const other = make({ workerId: 'other' });
      let ran = false;
      other.worker.register('x', async () => void (ran = true));
      expect(await other.worker.runDue()).toBe(0);
      expect(ran).toBe(false);
      expect(await jobRow(id)).toMatchObject({ state: 'dead', attempts: 1 });
      hang.resolve();
      await run;
      expect((await jobRow(id)).state).toBe('dead');
    });

    it('runs jobs in the background and stop() waits for running ones', async () => {
      const q = make({ pollIntervalMs: 20, concurrency: 3 });
      const finished: number[] = [];
      q.worker.register('slow', async (payload) => {
        await new Promise((r) => setTimeout(r, 30));
        finished.push((payload as { n: number }).n);
      });
      for (let n = 0; n < 6; n++) await q.queue.enqueue('slow', { n });
      q.worker.start();
      while ((await q.stats('slow')).done < 1) await new Promise((r) => setTimeout(r, 10));
      await q.worker.stop();
      const counts = await q.stats('slow');
      expect(counts.running).toBe(0);
      expect(finished.length).toBe(counts.done);
      expect(counts.done + counts.queued).toBe(6);
    });

    it('renews the lease while a long job runs, so no other worker takes it', async () => {
      const owner = make({ workerId: 'owner', clock: systemClock, leaseMs: 150 });
      const other = make({ workerId: 'other', clock: systemClock, leaseMs: 150 });
      let otherRan = false;
      owner.worker.register('long', () => new Promise((r) => setTimeout(r, 600)));
      other.worker.register('long', async () => void (otherRan = true));
      const id = await owner.queue.enqueue('long', {});
      const run = owner.worker.runDue();
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await other.worker.runDue();
      }
      await run;
      expect(otherRan).toBe(false);
      expect(await jobRow(id)).toMatchObject({ state: 'done', attempts: 1, locked_by: null });
    });

    it('aborts the handler signal when the lease is lost', async () => {
      const q = make({ workerId: 'owner', clock: systemClock, leaseMs: 90 });
      let reason: unknown;
      q.worker.register(
        'watch',
        (_p, ctx) =>
          new Promise<void>((resolve) => {
            ctx.signal.addEventListener('abort', () => {
              reason = ctx.signal.reason;
              resolve();
            });
          }),
      );
      const id = await q.queue.enqueue('watch', {});
      const run = q.worker.runDue();
      // Steal only once the owner holds it (a fixed wait let a slow claim overwrite the thief), and with a
      // live lease of the thief's own: an expired one is fair game, and runDue would claim the job again.
      while ((await jobRow(id)).locked_by !== 'owner') await new Promise((r) => setTimeout(r, 5));
      const thiefLease = new Date(Date.now() + 3_600_000).toISOString();
      await fresh.store.db.updateTable('jobs').set({ locked_by: 'thief', locked_until: thiefLease }).where('id', '=', id).execute();
      await run;
      expect(reason).toBeInstanceOf(LeaseLostError);
      expect(await jobRow(id)).toMatchObject({ state: 'running', locked_by: 'thief' });
    });

    it('stop({ abortAfterMs }) signals jobs that outlast the grace period', async () => {
      const q = make({ clock: systemClock, pollIntervalMs: 10 });
      const started = deferred();
      let aborted = false;
      q.worker.register(
        'stuck',
        (_p, ctx) =>
          new Promise<void>((resolve) => {
            started.resolve();
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            });
          }),
      );
      await q.queue.enqueue('stuck', {});
      q.worker.start();
      await started.promise;
      await q.worker.stop({ abortAfterMs: 30 });
      expect(aborted).toBe(true);
    });

    it('rejects bad enqueue input with typed errors', async () => {
      const q = make();
      await expect(q.queue.enqueue('', {})).rejects.toThrow(JobInputError);
      await expect(q.queue.enqueue('bad kind!', {})).rejects.toThrow(JobInputError);
      await expect(q.queue.enqueue('k', { n: 1n })).rejects.toThrow(/not JSON-serialisable/);
      await expect(q.queue.enqueue('k', {}, { maxAttempts: 0 })).rejects.toThrow(/maxAttempts/);
      await expect(q.queue.enqueue('k', {}, { runAt: new Date('x') })).rejects.toThrow(/runAt/);
    });
  });
}
