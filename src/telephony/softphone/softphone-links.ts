import type { Kysely } from 'kysely';
import { isCaseState, isTerminal } from '../../domain/cases/case-state';
import type { Clock } from '../../domain/clock';
import { hmacHex, newToken } from '../../security/keys';
import type { Database } from '../../store/schema';

export interface SoftphoneLinkTarget {
  caseId: string;
  lang: string;
  caseState: string;
  /** The booked call time (ISO 8601), or null while no time is set (a person reviews the request). */
  scheduledAt: string | null;
  /** The case's outcome once it has one (mfa_reset, cancelled, …). */
  outcome: string | null;
  /** The case's 6-digit reference (migration 010), or null on a case written before it. */
  reference?: string | null;
}

/**
 * How links read the case a token opens: the case service's `get` (src/cases), passed in, so case
 * rows are read in one place and telephony does not import cases.
 */
export interface SoftphoneCaseLookup {
  get(
    caseId: string,
    db: Kysely<Database>,
  ): Promise<{ lang: string; state: string; scheduled_at: string | null; outcome: string | null; reference?: string | null } | undefined>;
}

export interface SoftphoneLinks {
  /** Makes a new link token for the case inside the caller's transaction (the request mail's). */
  issue(trx: Kysely<Database>, caseId: string, expiresAt: Date): Promise<string>;
  /** The case a link opens, or null for an unknown, malformed or expired token, or a case that has ended. */
  resolve(db: Kysely<Database>, token: string): Promise<SoftphoneLinkTarget | null>;
  /**
   * Like resolve, but a case that has ended is returned too, so the page can say how it ended
   * instead of waiting for a call that will never come (issue 13). Never use it to ring or answer.
   */
  inspect(db: Kysely<Database>, token: string): Promise<SoftphoneLinkTarget | null>;
}

export const SOFTPHONE_PATH = '/call/';

export function softphoneUrl(publicUrl: string, token: string): string {
  return new URL(`${SOFTPHONE_PATH}${encodeURIComponent(token)}`, publicUrl).toString();
}

/**
 * The notifier's `linkFor`: issues a link for the case inside `trx` (expiring at `expiresAt`) and
 * returns its absolute URL under `publicUrl`.
 */
export function softphoneLinkFor(links: Pick<SoftphoneLinks, 'issue'>, publicUrl: string) {
  return async (trx: Kysely<Database>, caseId: string, expiresAt: Date): Promise<string> =>
    softphoneUrl(publicUrl, await links.issue(trx, caseId, expiresAt));
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,200}$/;

/**
 * Per-case softphone links. The link is a bearer capability like the cancel link: random, shown once
 * in the mail, HMAC-keyed at rest so a database leak opens no calls. It only lets the holder answer a
 * call the server places; every check of who they are happens in the call itself.
 */
export function createSoftphoneLinks(deps: { tokenKey: Buffer; clock: Clock; cases: SoftphoneCaseLookup }): SoftphoneLinks {
  const hash = (token: string) => hmacHex(deps.tokenKey, `softphone:${token}`);
  async function inspect(db: Kysely<Database>, token: string): Promise<SoftphoneLinkTarget | null> {
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
    const row = await db
      .selectFrom('softphone_links')
      .select(['case_id as caseId', 'expires_at as expiresAt'])
      .where('token_hash', '=', hash(token))
      .executeTakeFirst();
    if (!row || new Date(row.expiresAt) <= deps.clock.now()) return null;
    const found = await deps.cases.get(row.caseId, db);
    if (!found) return null;
    return {
      caseId: row.caseId,
      lang: found.lang,
      caseState: found.state,
      scheduledAt: found.scheduled_at ?? null,
      outcome: found.outcome ?? null,
      reference: found.reference ?? null,
    };
  }
  return {
    async issue(trx, caseId, expiresAt) {
      const token = newToken();
      await trx
        .insertInto('softphone_links')
        .values({
          token_hash: hash(token),
          case_id: caseId,
          created_at: deps.clock.now().toISOString(),
          expires_at: expiresAt.toISOString(),
        })
        .execute();
      return token;
    },
    async resolve(db, token) {
      const target = await inspect(db, token);
      // A resolved, failed or cancelled case has no call left to take (issue 7, finding 10).
      if (!target || !isCaseState(target.caseState) || isTerminal(target.caseState)) return null;
      return target;
    },
    inspect,
  };
}
