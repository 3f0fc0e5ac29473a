import type { CaseRow } from '../../cases/case-service';
import { CALL_IN_REOPEN_MS, canReopenForCallIn } from '../../domain/cases/case-state';
import type { Clock } from '../../domain/clock';
import { hmacHex } from '../../security/keys';
import type { Limit, RateLimiter } from '../../security/rate-limiter';
import type { Store } from '../../store/connect';
import type { ReferenceVerdict } from './identify';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * References a caller number, and guesses at one reference, may try per day (across calls; three
 * per call). 900,000 references and these limits make guessing an open case's reference from one
 * number hopeless; a match from another number proves nothing about the phone anyway (issue 8 §5).
 */
export const PER_NUMBER_PER_DAY = 5;
export const PER_REFERENCE_PER_DAY = 5;
/**
 * Misses all callers without a caller ID may make per day, together (withheld numbers, and every
 * AudioSocket call, which carries none): hiding the number buys no more guesses per reference, and
 * a few strangers' misses cannot lock every such caller out for the day. Such a caller never gives
 * phone evidence, so a lucky guess reaches at most a person or the emailed code.
 */
export const WITHHELD_PER_DAY = 50;
/**
 * Misses per hour across every caller whose number is not on record for an open case. Caller ID is
 * free to spoof, so an attacker rotating numbers escapes PER_NUMBER_PER_DAY; this ceiling bounds the
 * whole line's guessing (at 1,000 open cases, ≤ 24 × 40 × 1,000 / 900,000 ≈ 1 lucky match a day,
 * and a match from a number not on record never gives phone evidence). A customer calling from the
 * number on record is never held by it, so a flood cannot lock the real customers out.
 */
export const STRANGER_MISSES_PER_HOUR = 40;

export interface ReferenceCheckDeps {
  store: Pick<Store, 'db'>;
  limiter: RateLimiter;
  /** Keys the rate-limit buckets: the table holds HMACs, never a number or a reference. */
  tokenKey: Buffer;
  clock: Clock;
  /** STRANGER_MISSES_PER_HOUR unless set (tests, large call centres). */
  strangerMissesPerHour?: number;
}

/** Closed states: a caller is put through from any other, and from `failed` only when canReopenForCallIn. */
function closed(state: string): boolean {
  return state === 'failed' || state === 'resolved' || state === 'cancelled';
}

/**
 * Checks one complete reference a caller gave: `{verdict: 'matched', row}` for the case it names
 * (an open case, or one canReopenForCallIn), `no_match`, or `locked` when a limit above refuses the
 * try. A miss counts against the caller's number (or the shared withheld bucket), the reference,
 * and — unless the number is on record for an open case — the line's hourly stranger ceiling; a
 * match counts against nothing. The caller hears the same words for a miss and a lock-out.
 */
export function createReferenceCheck(deps: ReferenceCheckDeps) {
  const bucket = (kind: string, value: string) => `callin:${kind}:${hmacHex(deps.tokenKey, `callin:${kind}:${value}`)}`;
  const strangerMax = deps.strangerMissesPerHour ?? STRANGER_MISSES_PER_HOUR;

  async function caseFor(reference: string): Promise<CaseRow | undefined> {
    const since = new Date(deps.clock.now().getTime() - CALL_IN_REOPEN_MS).toISOString();
    const rows = await deps.store.db
      .selectFrom('cases')
      .selectAll()
      .where('reference', '=', reference)
      .where((eb) => eb.or([eb('state', 'not in', ['resolved', 'failed', 'cancelled']), eb('updated_at', '>=', since)]))
      .orderBy('created_at', 'desc')
      .execute();
    return rows.find((r) => !closed(r.state)) ?? rows.find((r) => canReopenForCallIn(r, deps.clock.now()));
  }

  /** The caller's number is the number on record of some open case (a customer, not a stranger). */
  async function onRecord(from: string): Promise<boolean> {
    const row = await deps.store.db
      .selectFrom('cases')
      .select('id')
      .where('phone_e164', '=', from)
      .where('phone_on_record', '=', 1)
      .where('state', 'not in', ['resolved', 'failed', 'cancelled'])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  return async function check(from: string | null, reference: string): Promise<{ verdict: ReferenceVerdict; row?: CaseRow }> {
    const limits: Limit[] = [
      { bucket: bucket('ref', reference), max: PER_REFERENCE_PER_DAY, windowMs: DAY_MS },
      from
        ? { bucket: bucket('from', from), max: PER_NUMBER_PER_DAY, windowMs: DAY_MS }
        : { bucket: bucket('from', 'withheld'), max: WITHHELD_PER_DAY, windowMs: DAY_MS },
    ];
    if (from === null || !(await onRecord(from))) limits.push({ bucket: 'callin:strangers', max: strangerMax, windowMs: HOUR_MS });
    const acquired = await deps.limiter.tryAcquire(limits);
    if (!acquired.ok) return { verdict: 'locked' };
    const row = await caseFor(reference);
    if (!row) return { verdict: 'no_match' };
    // A right reference does not count against the caller.
    await deps.limiter.release(acquired.eventIds);
    return { verdict: 'matched', row };
  };
}
