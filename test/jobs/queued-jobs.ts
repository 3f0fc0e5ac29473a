import { sql } from 'kysely';
import type { JobEngineName } from '../../src/jobs/job-system';
import { PGBOSS_SCHEMA } from '../../src/jobs/pg-boss/job-rows';
import { openJobPayload } from '../../src/jobs/sealed-jobs';
import type { Store } from '../../src/store/connect';

/** A stored job as tests inspect it, whichever engine keeps it. */
export interface StoredJob {
  id: string;
  kind: string;
  /** The caller's payload (opened with the jobs key when given; the scrubbed marker once finished). */
  payload: unknown;
  /** Not started yet (embedded `queued`; pg-boss `created` or `retry`). */
  waiting: boolean;
  /** Not before this instant (ISO 8601). */
  runAt: string;
}

/**
 * Every job the engine holds, optionally of one kind, oldest first: the embedded queue's `jobs`
 * table or pg-boss's `pgboss.job` (its data is `{ payload }`, pg-boss-worker.ts BossEnvelope). Lets
 * a test look at queued payloads on the default engine of its database (pg-boss on PostgreSQL).
 * Payloads are sealed while they wait (jobs/sealed-jobs.ts): pass `services.keys.jobs` as `key` to read them.
 */
export async function storedJobs(store: Store, engine: JobEngineName, kind?: string, key?: Buffer): Promise<StoredJob[]> {
  const opened = (kindOf: string, payload: unknown) => (key ? openJobPayload(key, kindOf, payload) : payload);
  if (engine === 'embedded') {
    let q = store.db.selectFrom('jobs').select(['id', 'kind', 'payload', 'state', 'run_at']).orderBy('created_at');
    if (kind !== undefined) q = q.where('kind', '=', kind);
    return (await q.execute()).map((r) => ({
      id: r.id,
      kind: r.kind,
      payload: opened(r.kind, JSON.parse(r.payload) as unknown),
      waiting: r.state === 'queued',
      runAt: r.run_at,
    }));
  }
  const table = sql.table(`${PGBOSS_SCHEMA}.job`);
  const where = kind === undefined ? sql`` : sql`where name = ${kind}`;
  const { rows } = await sql<{ id: string; name: string; data: { payload?: unknown } | null; state: string; start_after: Date }>`
    select id, name, data, state, start_after from ${table} ${where} order by created_on`.execute(store.db);
  return rows.map((r) => ({
    id: r.id,
    kind: r.name,
    payload: opened(r.name, r.data && 'payload' in r.data ? r.data.payload : r.data),
    waiting: r.state === 'created' || r.state === 'retry',
    runAt: new Date(r.start_after).toISOString(),
  }));
}
