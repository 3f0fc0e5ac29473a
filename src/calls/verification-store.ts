import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CaseService } from '../cases/case-service';
import type { Clock } from '../domain/clock';
import type { Lang } from '../domain/lang';
import { maskEmail } from '../domain/phone';
import {
  CODE_RULES,
  type RandomInt,
  checkEntry,
  codeHmac,
  expiryFor,
  generateCode,
  isWellFormedCode,
  maySend,
} from '../domain/verification';
import type { JobQueue } from '../jobs/queue';
import { enqueueMail } from '../mail/mail-job';
import { verificationCode } from '../mail/templates';
import type { RateLimiter } from '../security/rate-limiter';
import type { Database } from '../store/schema';

export interface VerificationStoreDeps {
  cases: CaseService;
  limiter: RateLimiter;
  queue: JobQueue;
  codeKey: Buffer;
  clock: Clock;
  companyName: string;
  randomInt?: RandomInt;
}

/** Whose code: one case, its account and where the mail goes. */
export interface CodeSubject {
  caseId: string;
  accountId: string;
  email: string;
  lang: Lang;
}

export type SendOutcome = 'sent' | 'limit_reached';
export type CheckOutcome = 'ok' | 'wrong' | 'expired' | 'locked';

const failBucket = (accountId: string) => `code:fail:acct:${accountId}`;
const lockBucket = (accountId: string) => `code:lock:acct:${accountId}`;
const LIVE_CASE_STATES = new Set(['calling', 'verifying']);

/**
 * Applies the code rules (domain/verification) to the database: one write transaction per send or
 * check, holding the audit chain's lock, so counts and the history cannot disagree. The code itself
 * exists only in the mail it is sent in; the table holds its case-bound HMAC.
 */
export function createVerificationStore(deps: VerificationStoreDeps) {
  const { cases, limiter, clock } = deps;

  async function liveCase(trx: Kysely<Database>, caseId: string): Promise<boolean> {
    const row = await cases.get(caseId, trx);
    return row !== undefined && LIVE_CASE_STATES.has(row.state);
  }

  async function invalidateLive(trx: Kysely<Database>, caseId: string, nowIso: string): Promise<number> {
    const res = await trx
      .updateTable('verification_codes')
      .set({ invalidated_at: nowIso })
      .where('case_id', '=', caseId)
      .where('used_at', 'is', null)
      .where('invalidated_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async function send(subject: CodeSubject): Promise<SendOutcome> {
    return cases.inTransaction(async (trx) => {
      const now = clock.now();
      const nowIso = now.toISOString();
      const since = new Date(now.getTime() - CODE_RULES.sendWindowMs).toISOString();
      const forCase = await trx
        .selectFrom('verification_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('case_id', '=', subject.caseId)
        .executeTakeFirst();
      const forAccount = await trx
        .selectFrom('verification_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', subject.accountId)
        .where('created_at', '>', since)
        .executeTakeFirst();
      const sendsForRequest = Number(forCase?.n ?? 0);
      const sendsForAccountInWindow = Number(forAccount?.n ?? 0);
      if (!(await liveCase(trx, subject.caseId)) || !maySend({ sendsForRequest, sendsForAccountInWindow })) {
        await cases.record(trx, subject.caseId, 'code_send_refused', { sendsForRequest, sendsForAccountInWindow });
        return 'limit_reached';
      }
      // A resend makes every earlier code of the case worthless.
      const replaced = await invalidateLive(trx, subject.caseId, nowIso);
      const code = generateCode(deps.randomInt);
      const id = randomUUID();
      await trx
        .insertInto('verification_codes')
        .values({
          id,
          case_id: subject.caseId,
          account_id: subject.accountId,
          code_hmac: codeHmac(deps.codeKey, subject.caseId, code),
          created_at: nowIso,
          expires_at: expiryFor(now).toISOString(),
          used_at: null,
          invalidated_at: null,
          failed_attempts: 0,
        })
        .execute();
      const validMinutes = CODE_RULES.validMs / 60_000;
      const mail = verificationCode({ lang: subject.lang, companyName: deps.companyName, code, validMinutes });
      await enqueueMail(deps.queue, { to: subject.email, ...mail, key: `verification-code:${id}`, template: 'verification-code' }, trx);
      await cases.record(trx, subject.caseId, 'code_sent', {
        codeId: id,
        send: sendsForRequest + 1,
        replaced,
        validMinutes,
        to: maskEmail(subject.email),
      });
      return 'sent';
    });
  }

  async function check(subject: CodeSubject, digits: string): Promise<CheckOutcome> {
    return cases.inTransaction(async (trx) => {
      const now = clock.now();
      const nowIso = now.toISOString();
      if (!(await liveCase(trx, subject.caseId))) return 'expired';
      const accountLocked = (await limiter.count(lockBucket(subject.accountId), CODE_RULES.lockMs, trx)) > 0;
      const accountFailures = await limiter.count(failBucket(subject.accountId), CODE_RULES.failureWindowMs, trx);
      const row = await trx
        .selectFrom('verification_codes')
        .selectAll()
        .where('case_id', '=', subject.caseId)
        .where('used_at', 'is', null)
        .where('invalidated_at', 'is', null)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      const enteredHmac = isWellFormedCode(digits) ? codeHmac(deps.codeKey, subject.caseId, digits) : null;
      const verdict = checkEntry({
        code: row
          ? {
              hmac: row.code_hmac,
              expiresAt: new Date(row.expires_at),
              usedAt: null,
              invalidatedAt: null,
              failedAttempts: row.failed_attempts,
            }
          : null,
        enteredHmac,
        now,
        accountFailures,
        accountLocked,
      });
      switch (verdict.result) {
        case 'ok':
          await trx.updateTable('verification_codes').set({ used_at: nowIso }).where('id', '=', row!.id).execute();
          await cases.record(trx, subject.caseId, 'code_verified', { codeId: row!.id });
          return 'ok';
        case 'wrong': {
          const failed = row!.failed_attempts + 1;
          await trx
            .updateTable('verification_codes')
            .set({ failed_attempts: failed, ...(verdict.invalidate ? { invalidated_at: nowIso } : {}) })
            .where('id', '=', row!.id)
            .execute();
          await limiter.record([failBucket(subject.accountId)], trx);
          await cases.record(trx, subject.caseId, 'code_rejected', {
            codeId: row!.id,
            wrongOnCode: failed,
            codeInvalidated: verdict.invalidate,
          });
          return 'wrong';
        }
        case 'expired':
          if (row && new Date(row.expires_at) <= now) {
            await trx.updateTable('verification_codes').set({ invalidated_at: nowIso }).where('id', '=', row.id).execute();
            await cases.record(trx, subject.caseId, 'code_expired', { codeId: row.id });
          }
          return 'expired';
        case 'locked':
          if (verdict.lockAccount) {
            if (row)
              await trx
                .updateTable('verification_codes')
                .set({ failed_attempts: row.failed_attempts + 1 })
                .where('id', '=', row.id)
                .execute();
            await limiter.record([failBucket(subject.accountId), lockBucket(subject.accountId)], trx);
            await invalidateLive(trx, subject.caseId, nowIso);
            await cases.record(trx, subject.caseId, 'account_code_locked', { hours: CODE_RULES.lockMs / 3_600_000 });
          }
          return 'locked';
      }
    });
  }

  /** Call end or cancel: nothing mailed for this case works any more. */
  async function invalidateForCase(trx: Kysely<Database>, caseId: string): Promise<number> {
    return invalidateLive(trx, caseId, clock.now().toISOString());
  }

  /** Wrong entries on the case so far (a risk flag from 2). */
  async function failedAttemptsForCase(caseId: string, db: Kysely<Database>): Promise<number> {
    const row = await db
      .selectFrom('verification_codes')
      .select((eb) => eb.fn.sum<number>('failed_attempts').as('n'))
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  return { send, check, invalidateForCase, failedAttemptsForCase };
}

export type VerificationStore = ReturnType<typeof createVerificationStore>;
