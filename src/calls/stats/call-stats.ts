import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/schema';

/** The outcome groups the console's outcome chart shows (issue 10: reset / failed / escalated / abandoned). */
export const OUTCOME_GROUPS = ['reset', 'failed', 'escalated', 'abandoned'] as const;
export type OutcomeGroup = (typeof OUTCOME_GROUPS)[number];

/** A call outcome (agent/types.ts Outcome) → its chart group; callbacks, wrong person and cancels are not charted. */
const GROUP_OF: Record<string, OutcomeGroup> = {
  mfa_reset: 'reset',
  verification_failed: 'failed',
  escalated: 'escalated',
  abandoned: 'abandoned',
};

/** Calls started in one UTC hour (`YYYY-MM-DDTHH`, the first 13 characters of the ISO text). */
export interface HourCount {
  utcHour: string;
  calls: number;
}

/** Calls ended in one UTC hour with one outcome. */
export interface HourOutcomeCount {
  utcHour: string;
  group: OutcomeGroup;
  calls: number;
}

export interface CallStats {
  started: HourCount[];
  ended: HourOutcomeCount[];
  /** Seconds from start to end of each ended call, for the handle-time histogram. */
  handleSeconds: number[];
}

/**
 * Counts for the console's charts over [from, to) (ISO-8601 UTC), grouped in SQL by UTC hour with
 * `substr` on the ISO text — the same on SQLite and PostgreSQL, since times are stored as
 * fixed-width ISO strings (store/schema.ts). The caller regroups hours into the business time zone's
 * hours and days (exact for whole-hour offsets such as JST).
 */
export async function callStats(db: Kysely<Database>, from: string, to: string): Promise<CallStats> {
  const hour = (col: 'started_at' | 'ended_at') => sql<string>`substr(${sql.ref(col)}, 1, 13)`;
  const started = await db
    .selectFrom('calls')
    .select([hour('started_at').as('utc_hour'), (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .groupBy(hour('started_at'))
    .execute();
  const ended = await db
    .selectFrom('calls')
    .select([hour('ended_at').as('utc_hour'), 'outcome', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('ended_at', '>=', from)
    .where('ended_at', '<', to)
    .where('outcome', 'in', Object.keys(GROUP_OF))
    .groupBy([hour('ended_at'), 'outcome'])
    .execute();
  const handled = await db
    .selectFrom('calls')
    .select(['started_at', 'ended_at'])
    .where('ended_at', '>=', from)
    .where('ended_at', '<', to)
    .where('started_at', 'is not', null)
    .execute();
  return {
    started: started.map((r) => ({ utcHour: r.utc_hour, calls: Number(r.n) })),
    ended: ended.map((r) => ({ utcHour: r.utc_hour, group: GROUP_OF[r.outcome ?? ''] ?? 'failed', calls: Number(r.n) })),
    handleSeconds: handled
      .map((r) => (Date.parse(r.ended_at ?? '') - Date.parse(r.started_at ?? '')) / 1000)
      .filter((s) => Number.isFinite(s) && s >= 0),
  };
}
