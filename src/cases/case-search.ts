import { type Kysely, type SqlBool, sql } from 'kysely';
import { type CaseState, isCaseState } from '../domain/cases/case-state';
import type { CasesTable as CaseRow, Database } from '../store/schema';

/** Columns the console may sort by; the id breaks ties so a page boundary never skips or repeats a row. */
export const CASE_SORTS = ['created_at', 'updated_at', 'scheduled_at', 'state'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

/** Page sizes the console offers; the largest is the old fixed cap, now a choice rather than a cut. */
export const CASE_PAGE_SIZES = [25, 50, 100, 200] as const;

/**
 * Why a case is where it is: the audit event kinds that move a case to failed, escalated or
 * cancelled (cases/*, calls/call-outcome.ts, calls/mfa-reset.ts). The console offers them as the
 * "reason" filter and names them in words.
 */
export const CASE_REASONS = [
  'needs_review',
  'call_escalated',
  'call_wrong_person',
  'reset_held',
  'reset_incomplete',
  'verification_failed',
  'call_abandoned',
  'closed_unknown_account',
  'cancelled_by_customer',
  'cancelled_by_operator',
  'cancelled_on_call',
  'reset_aborted',
] as const;

export interface CaseSearch {
  /** The case's 6-digit reference (migration 010), exactly. */
  reference?: string;
  /**
   * A whole part of the address, case-insensitive: the address, its local part (`hanako.yamada`) or
   * its domain (`example.com` or `@example.com`). Never a substring: whether a case stays listed
   * would then tell the masked characters one at a time (issue 10: revealing an address is audited).
   */
  emailPart?: string;
  /**
   * Digits (ASCII 0-9) whose last 4 are matched against the end of the stored E.164 number: the
   * digits the masked number shows. More would make the filter an oracle for the hidden ones.
   */
  phoneEndsWith?: string;
  state?: CaseState;
  /** An event kind from CASE_REASONS the case has in its history. */
  reason?: string;
  /** Created at or after this instant (ISO-8601 UTC). */
  createdFrom?: string;
  /** Created before this instant (ISO-8601 UTC, exclusive). */
  createdBefore?: string;
  sort?: CaseSort;
  dir?: 'asc' | 'desc';
  /** 1-based page number. */
  page?: number;
  /** Rows per page; clamped to 1..200. */
  pageSize?: number;
}

export interface CasePage {
  rows: CaseRow[];
  /** Every case that matches the filters, across all pages. */
  total: number;
  page: number;
  pageSize: number;
  /** At least 1, so "page 1 of 1" reads right when nothing matched. */
  pages: number;
}

/** `%`, `_` and the escape character itself match literally in a LIKE pattern (escape `\`, both dialects). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The phone filter's digits: the last 4, as the masked number shows them (issue 10: "phone digits (last 4)"). */
export const PHONE_DIGITS_SEARCHED = 4;

/** CaseSearch.emailPart as a condition: the whole address, the whole local part, or the whole domain. */
function emailPartMatches(part: string) {
  const lit = likeLiteral(part);
  const at = part.indexOf('@');
  if (at === 0) return sql<SqlBool>`lower(email) like ${`%${lit}`} escape '\\'`;
  if (at > 0) return sql<SqlBool>`lower(email) = ${part}`;
  return sql<SqlBool>`(lower(email) like ${`${lit}@%`} escape '\\' or lower(email) like ${`%@${lit}`} escape '\\')`;
}

/**
 * One page of cases matching `search`, with the total count, in the same SQL on SQLite and
 * PostgreSQL (LIKE … ESCAPE, EXISTS, LIMIT/OFFSET). Times are ISO-8601 UTC text, so ranges compare
 * as text. Offset paging: the console jumps to page N and sorts by any column; the id tie-break
 * keeps pages disjoint while the set does not change.
 */
export async function searchCases(db: Kysely<Database>, search: CaseSearch): Promise<CasePage> {
  const pageSize = Math.max(1, Math.min(200, Math.trunc(search.pageSize ?? 50)));
  let base = db.selectFrom('cases');
  if (search.reference) base = base.where('reference', '=', search.reference);
  const emailPart = search.emailPart?.trim().toLowerCase();
  if (emailPart) base = base.where(emailPartMatches(emailPart));
  if (search.phoneEndsWith && /^[0-9]{1,15}$/.test(search.phoneEndsWith))
    base = base.where('phone_e164', 'like', `%${search.phoneEndsWith.slice(-PHONE_DIGITS_SEARCHED)}`);
  if (search.state && isCaseState(search.state)) base = base.where('state', '=', search.state);
  if (search.reason) {
    const reason = search.reason;
    base = base.where((eb) =>
      eb.or([
        eb('outcome', '=', reason),
        eb.exists(eb.selectFrom('case_events').select('seq').whereRef('case_events.case_id', '=', 'cases.id').where('kind', '=', reason)),
      ]),
    );
  }
  if (search.createdFrom) base = base.where('created_at', '>=', search.createdFrom);
  if (search.createdBefore) base = base.where('created_at', '<', search.createdBefore);

  const counted = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirst();
  const total = Number(counted?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.max(1, Math.min(pages, Math.trunc(search.page ?? 1)));
  const sort: CaseSort = search.sort ?? 'created_at';
  const dir = search.dir ?? 'desc';
  // NULL sorts last both ways on both dialects (SQLite puts NULL first ascending, PostgreSQL last).
  const rows = await base
    .selectAll()
    .orderBy(sql`case when ${sql.ref(sort)} is null then 1 else 0 end`)
    .orderBy(sort, dir)
    .orderBy('id', dir)
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { rows, total, page, pageSize, pages };
}

/** Why a case stands where it does: the event that moved it to its current state, and its `reason` detail. */
export interface CaseReason {
  kind: string;
  detail?: string;
}

/**
 * For each case, the latest event that moved it into its current state (data.to = state), read
 * from the audit log in one query; cases still waiting to be called have none worth showing.
 */
export async function currentReasons(db: Kysely<Database>, rows: Pick<CaseRow, 'id' | 'state'>[]): Promise<Map<string, CaseReason>> {
  const out = new Map<string, CaseReason>();
  const wanted = rows.filter((r) => ['failed', 'escalated', 'cancelled', 'resolved'].includes(r.state));
  if (wanted.length === 0) return out;
  const stateOf = new Map(wanted.map((r) => [r.id, r.state]));
  const events = await db
    .selectFrom('case_events')
    .select(['case_id', 'kind', 'data'])
    .where(
      'case_id',
      'in',
      wanted.map((r) => r.id),
    )
    .orderBy('seq', 'desc')
    .execute();
  for (const e of events) {
    if (out.has(e.case_id)) continue;
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(e.data) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (data.to !== stateOf.get(e.case_id)) continue;
    out.set(e.case_id, { kind: e.kind, detail: typeof data.reason === 'string' ? data.reason : undefined });
  }
  return out;
}
