/**
 * A worker process for queue-sigkill.test.ts, which kills it with SIGKILL at random moments.
 * Usage: node --import tsx test/jobs/sigkill-worker.ts <database-url> <worker-id> <lease-ms> [complete|separate]
 * Each job sleeps, then records one effect row in its completion transaction, then sleeps again,
 * so kills land before, during and after the commit. Mode `separate` commits the effect on its own
 * before the job is marked done — the mistake ctx.complete exists to prevent — so the test can show
 * that it would notice double runs.
 */
import { sql } from 'kysely';
import { systemClock } from '../../src/domain/clock';
import { createDbJobQueue } from '../../src/jobs/db-job-queue';
import { createLogger } from '../../src/observability/logger';
import { openStore } from '../../src/store/connect';

const [url, workerId, leaseMsText, mode = 'complete'] = process.argv.slice(2);
if (!url || !workerId || !leaseMsText) {
  process.stderr.write('usage: sigkill-worker.ts <database-url> <worker-id> <lease-ms>\n');
  process.exit(2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const store = openStore(url);
const { worker } = createDbJobQueue({
  store,
  clock: systemClock,
  logger: createLogger('warn', process.stderr as never),
  workerId,
  pollIntervalMs: 50,
  leaseMs: Number(leaseMsText),
  concurrency: 3,
  backoff: { baseMs: 50, maxMs: 500 },
});

worker.register('sigkill-effect', async (_payload, ctx) => {
  await sleep(50 + Math.random() * 100);
  if (mode === 'separate') {
    await sql`insert into sigkill_effects (job_id, worker_id, attempt) values (${ctx.jobId}, ${workerId}, ${ctx.attempt})`.execute(
      store.db,
    );
    process.stdout.write('completed\n');
    await sleep(100);
    return;
  }
  await ctx.complete(async (trx) => {
    await sql`insert into sigkill_effects (job_id, worker_id, attempt) values (${ctx.jobId}, ${workerId}, ${ctx.attempt})`.execute(trx);
  });
  // Tells the test how far this worker got, so kills are timed by progress, not by a loaded machine's clock.
  process.stdout.write('completed\n');
  await sleep(Math.random() * 20);
});

process.on('SIGTERM', () => {
  void worker
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});

worker.start();
