import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock';
import { createDbJobQueue } from '../../src/jobs/db-job-queue';
import { createLogger } from '../../src/observability/logger';
import { openFreshStore } from './fresh-store';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const repoRoot = path.resolve(import.meta.dirname, '../..');
const workerScript = path.join(repoRoot, 'test/jobs/sigkill-worker.ts');

const WORKERS_PER_ROUND = 2;
const LEASE_MS = 1_000;

/** Small seeded PRNG (mulberry32) so the kill schedule is the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunningWorker {
  child: ChildProcess;
  exited: Promise<void>;
  /** Resolves once the worker has completed `count` jobs (or exited). */
  completions(count: number): Promise<void>;
}

type EffectMode = 'complete' | 'separate';

function spawnWorker(url: string, workerId: string, mode: EffectMode): RunningWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, url, workerId, String(LEASE_MS), mode], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4_000);
  });
  let completed = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const settle = (all: boolean) => {
    for (const w of [...waiters]) {
      if (all || completed >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on('data', (d: Buffer) => {
    completed += d.toString().split('completed').length - 1;
    settle(false);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) process.stderr.write(`worker ${workerId} exited (${code ?? signal}): ${err}\n`);
      settle(true);
      resolve();
    }),
  );
  return {
    child,
    exited,
    completions: (count) =>
      new Promise<void>((resolve) => {
        waiters.push({ count, resolve });
        settle(child.exitCode !== null || child.signalCode !== null);
      }),
  };
}

interface ScenarioResult {
  jobIds: Set<string>;
  counts: { queued: number; running: number; done: number; dead: number };
  doneBeforeFinalWorkers: number;
  kills: number;
  /** Effect rows per job id. */
  effects: Map<string, number>;
  rerunJobs: number;
}

/**
 * Enqueues `jobs` jobs, runs `rounds` rounds of worker processes that are each SIGKILLed at a
 * seeded moment, then lets two last workers finish everything and stops them gracefully.
 */
async function runKillScenario(o: { postgresUrl?: string; jobs: number; rounds: number; mode: EffectMode; seed: number }) {
  const fresh = await openFreshStore(o.postgresUrl);
  const all: RunningWorker[] = [];
  try {
    const db = fresh.store.db;
    // Test-only effect table; deliberately without a unique key, so a second run would show up.
    await db.schema
      .createTable('sigkill_effects')
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('worker_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .execute();

    const { queue, stats } = createDbJobQueue({
      store: fresh.store,
      clock: systemClock,
      logger: createLogger('silent'),
      workerId: 'enqueuer',
    });
    const jobIds = new Set<string>();
    for (let n = 0; n < o.jobs; n++) jobIds.add(await queue.enqueue('sigkill-effect', { n }, { maxAttempts: 1_000 }));

    const random = seededRandom(o.seed);
    let kills = 0;
    for (let round = 0; round < o.rounds; round++) {
      const workers = Array.from({ length: WORKERS_PER_ROUND }, (_, i) => spawnWorker(fresh.url, `r${round}w${i}`, o.mode));
      all.push(...workers);
      // Each worker is killed after a seeded number of completions plus a seeded delay, which
      // lands before, inside or just after some job's completion transaction.
      await Promise.all(
        workers.map(async (w) => {
          await w.completions(3 + Math.floor(random() * 10));
          await sleep(random() * 60);
          w.child.kill('SIGKILL');
          await w.exited;
          kills++;
        }),
      );
    }
    const doneBeforeFinalWorkers = (await stats('sigkill-effect')).done;

    const finalWorkers = [spawnWorker(fresh.url, 'final0', o.mode), spawnWorker(fresh.url, 'final1', o.mode)];
    all.push(...finalWorkers);
    const deadline = Date.now() + 90_000;
    while ((await stats('sigkill-effect')).done < o.jobs && Date.now() < deadline) await sleep(100);
    for (const w of finalWorkers) w.child.kill('SIGTERM');
    await Promise.all(finalWorkers.map((w) => w.exited));

    const rows = (
      await sql<{ job_id: string; n: number | string }>`select job_id, count(*) as n from sigkill_effects group by job_id`.execute(db)
    ).rows;
    const rerun = await db.selectFrom('jobs').select('id').where('attempts', '>', 1).execute();
    return {
      jobIds,
      counts: await stats('sigkill-effect'),
      doneBeforeFinalWorkers,
      kills,
      effects: new Map(rows.map((r) => [r.job_id, Number(r.n)])),
      rerunJobs: rerun.length,
    } satisfies ScenarioResult;
  } finally {
    for (const w of all) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await fresh.dispose();
  }
}

const targets = [
  { name: 'SQLite', url: undefined, enabled: true },
  { name: 'PostgreSQL', url: postgresUrl, enabled: Boolean(postgresUrl) },
];

for (const target of targets) {
  describe.runIf(target.enabled)(`job queue under SIGKILL on ${target.name}`, () => {
    it('loses no job and runs none twice when workers are killed at random moments', async () => {
      const jobs = 200;
      const r = await runKillScenario({ postgresUrl: target.url, jobs, rounds: 6, mode: 'complete', seed: 0x5eed_2026 });
      expect(r.kills).toBe(12);
      // The kills must interrupt real work, or the test proves nothing.
      expect(r.doneBeforeFinalWorkers).toBeLessThan(jobs);
      expect(r.rerunJobs).toBeGreaterThan(0);

      expect(r.counts).toEqual({ queued: 0, running: 0, done: jobs, dead: 0 });
      expect(new Set(r.effects.keys())).toEqual(r.jobIds);
      expect([...r.effects].filter(([, n]) => n !== 1)).toEqual([]);
    }, 180_000);
  });
}

describe('the SIGKILL harness itself', () => {
  it('does notice double runs when effects are committed apart from the done mark', async () => {
    const r = await runKillScenario({ jobs: 60, rounds: 4, mode: 'separate', seed: 0x0bad_5eed });
    expect(r.counts.done).toBe(60);
    expect([...r.effects.values()].some((n) => n > 1)).toBe(true);
  }, 180_000);
});
