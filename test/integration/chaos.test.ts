import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { CALLBACK_JOB, queuedCallbackScheduler } from '../../src/cases/callback-job';
import { loadConfig } from '../../src/config';
import { createServices, type Services } from '../../src/main';
import { seededRandom } from '../../src/media/testing/signals';
import { createLogger } from '../../src/observability/logger';
import { TEST_POSTGRES_URL, createPostgresDatabase } from '../e2e/support/databases';
import { runCli } from '../e2e/support/run-cli';
import { storedJobs } from '../jobs/queued-jobs';
import { type ServeProcess, kill, phoneNetwork, startServe } from './chaos-rig';

/**
 * The chaos test of issue 11: three `aizuchi serve` processes (the built CLI, roles all) on one
 * PostgreSQL with pg-boss (the default there), 200 due callbacks whose calls are text calls answered
 * by a scripted caller (chaos-rig.ts), and a seeded random process SIGKILLed every few seconds and
 * replaced. Then: every case is final or rescheduled with its callback waiting; no callback job is
 * lost, left running or dead; no attempt has two calls; `aizuchi audit verify` passes; and every call
 * a kill cut ended `abandoned` and its case was called again — while no call of a process that was
 * never killed was abandoned unless its caller hung up (start-up and sweeps leave other processes'
 * live calls alone). The call lease is 10 s: a heartbeat every 3.3 s holds on a loaded 2-core box.
 */
const CASES = 200;
const PROCESSES = 3;
const KILLS = 6;
const ACCOUNTS = 10;
const FINAL = new Set(['escalated', 'failed', 'resolved', 'cancelled']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seedDueCallbacks(services: Services): Promise<string[]> {
  const accounts = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const email = `chaos${i}@example.com`;
    const phone = `090-1234-${String(7000 + i)}`;
    const { account } = await services.identity.createAccount({
      email,
      password: 'correct-horse-battery',
      name: '中村',
      phone,
      lang: 'ja',
      mfa: true,
    });
    accounts.push({ id: account.id, email, phone: `+8190 1234${7000 + i}`.replace(' ', '') });
  }
  const schedule = queuedCallbackScheduler(services.jobs.queue);
  const ids: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const a = accounts[i % ACCOUNTS]!;
    const now = new Date();
    ids.push(
      await services.cases.inTransaction(async (trx) => {
        const opened = await services.cases.open(
          trx,
          {
            account_id: a.id,
            email: a.email,
            phone_e164: a.phone,
            phone_on_record: 1,
            lang: 'ja',
            state: 'requested',
            assurance: 'password_verified',
            consent_at: now.toISOString(),
            consent_version: 'chaos',
            recording_consent: 0,
            client_ip_hash: 'chaos',
            scheduled_at: null,
            cancel_token_hash: null,
          },
          { assurance: 'password_verified', evidence: 'password' },
        );
        await services.cases.transition(
          trx,
          opened.id,
          'scheduled',
          'callback_scheduled',
          { at: now.toISOString() },
          { scheduled_at: now.toISOString() },
        );
        await schedule.schedule(trx, opened.id, now);
        return opened.id;
      }),
    );
  }
  return ids;
}

describe.runIf(Boolean(TEST_POSTGRES_URL))('chaos: three serve processes on PostgreSQL, SIGKILLed at random', () => {
  const processes: ServeProcess[] = [];
  let services: Services | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-chaos-'));
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await services?.close();
    await dropDb?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no callback and runs none twice; killed calls end abandoned and are retried; the audit chain holds', async () => {
    // The same kill schedule and caller mix on every run.
    const random = seededRandom(0xc4a05);
    const pg = await createPostgresDatabase(TEST_POSTGRES_URL!);
    dropDb = pg.drop;
    const env = {
      AIZUCHI_DATABASE_URL: pg.url,
      AIZUCHI_DATA_DIR: dataDir,
      AIZUCHI_TELEPHONY: 'text',
      AIZUCHI_POLICY: 'mailbox',
      AIZUCHI_CALL_LEASE_SEC: '10',
      AIZUCHI_JOB_LEASE_SEC: '10',
      AIZUCHI_CALLBACK_RETRY_DELAY_MIN: '0',
      AIZUCHI_CALLBACK_LEAD_SEC: '0',
      AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
      AIZUCHI_JAPANESE_HOLIDAYS: 'false',
      AIZUCHI_DRAIN_SEC: '5',
      AIZUCHI_LOG_LEVEL: 'warn',
    };
    // Builds dist/ once (the bin rebuilds a stale build) before three processes start at once.
    expect((await runCli(['--help'], env)).code).toBe(0);
    services = await createServices(loadConfig({ ...env, PORT: '0', AIZUCHI_MAIL_CATCHER_PORT: '0', AIZUCHI_METRICS_PORT: '0' }), {
      logger: createLogger('silent'),
    });
    expect(services.jobs.engine).toBe('pg-boss');
    const caseIds = await seedDueCallbacks(services);
    const db = services.store.db;

    for (let i = 0; i < PROCESSES; i++) processes.push(await startServe(env));
    const live = () => processes.filter((p) => !p.killed);
    const network = phoneNetwork(services, live, random);

    const openCases = async () =>
      Number(
        (
          await db
            .selectFrom('cases')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('state', 'not in', [...FINAL])
            .executeTakeFirstOrThrow()
        ).n,
      );
    // Kill only while calls are running, so kills land on live calls; always keep one ready process.
    const killed: ServeProcess[] = [];
    while (killed.length < KILLS && (await openCases()) > 0) {
      await sleep(2_000 + random() * 3_000);
      const ready = live().filter((p) => p.ready);
      if (ready.length < 2) continue;
      const victim = ready[Math.floor(random() * ready.length)]!;
      await kill(victim);
      killed.push(victim);
      processes.push(await startServe(env));
    }
    // Let the survivors and the replacements finish: every case final (or rescheduled; see below).
    const deadline = Date.now() + 240_000;
    while ((await openCases()) > 0 && Date.now() < deadline) await sleep(1_000);
    await network.stop();
    for (const p of live()) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));

    // The kills interrupted real calls, or the test proves nothing.
    expect(killed.length).toBeGreaterThanOrEqual(3);
    expect(network.cutOff()).toBeGreaterThan(0);

    // Every case ends final, or rescheduled with its callback waiting in pg-boss.
    const rows = await db.selectFrom('cases').select(['id', 'state', 'call_attempts']).execute();
    expect(rows.map((r) => r.id).sort()).toEqual([...caseIds].sort());
    const callbacks = await storedJobs(services.store, 'pg-boss', CALLBACK_JOB, services.keys.jobs);
    const waiting = new Set(callbacks.filter((j) => j.waiting).map((j) => (j.payload as { caseId: string }).caseId));
    expect(rows.filter((r) => !FINAL.has(r.state) && !(r.state === 'scheduled' && waiting.has(r.id)))).toEqual([]);

    // No callback job lost, left running, or dead; each attempt was dialled by one job run.
    const { rows: jobStates } = await sql<{ state: string; n: string }>`
      select state, count(*) as n from pgboss.job where name = ${CALLBACK_JOB} group by state`.execute(db);
    expect(jobStates.filter((s) => !['completed', 'created', 'retry'].includes(s.state))).toEqual([]);
    const events = await db.selectFrom('case_events').select(['case_id', 'kind', 'data']).where('kind', '=', 'call_started').execute();
    const calls = await db.selectFrom('calls').select(['id', 'case_id', 'state', 'outcome', 'owner_id']).execute();
    for (const row of rows) {
      const attempts = events.filter((e) => e.case_id === row.id).map((e) => (JSON.parse(e.data) as { attempt: number }).attempt);
      // Attempts 1..n, each once: no job run placed a second call for an attempt.
      expect(attempts.sort((x, y) => x - y)).toEqual(Array.from({ length: row.call_attempts }, (_, i) => i + 1));
      expect(calls.filter((c) => c.case_id === row.id)).toHaveLength(row.call_attempts);
    }
    expect(calls.filter((c) => c.state !== 'ended')).toEqual([]);

    // Calls a kill cut ended abandoned and their cases were called again (or ran out of retries).
    const killedPids = new Set(killed.map((p) => p.pid));
    const pidOf = (owner: string | null | undefined) => Number(owner?.split(':').at(-2));
    const abandoned = calls.filter((c) => c.outcome === 'abandoned');
    expect(abandoned.length).toBeGreaterThan(0);
    for (const call of abandoned) {
      const cause = killedPids.has(pidOf(call.owner_id)) || network.hungUp.has(call.id);
      expect(cause, `abandoned call ${call.id} of a process never killed, and its caller did not hang up`).toBe(true);
      const row = rows.find((r) => r.id === call.case_id)!;
      const later = calls.filter((c) => c.case_id === call.case_id).length;
      expect(later > 1 || row.state === 'failed').toBe(true);
    }

    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.code, verify.stderr).toBe(0);
  }, 600_000);
});
