import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../domain/clock';
import type { Lang } from '../domain/lang';
import { rateLimitAddress } from '../security/client-address';
import { type Keys, hmacHex, newToken } from '../security/keys';
import type { Limit, RateLimiter } from '../security/rate-limiter';
import type { Database } from '../store/schema';
import type { CallbackScheduler } from './callback-job';
import type { CaseService } from './case-service';
import { isRecoveryLocked } from './recovery-undo';
import { AizuchiError } from '../domain/errors';

/** The version of the consent wording on the form; stored with every request. */
export const CONSENT_VERSION = 'callback-consent-2026-11';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The one `Retry-After` (seconds) every recovery limit answers with, so a refusal does not tell
 * which limit tripped (and so whether an account or number is being watched). SECURITY.md "Rate limits".
 */
export const RETRY_AFTER_SEC = 3600;
const RATE_LIMITED = { kind: 'rate_limited', retryAfterSec: RETRY_AFTER_SEC } as const;

export const recoveryRequestSchema = z.object({
  email: z.string().trim().toLowerCase().email('email must be an email address').max(254),
  password: z.string().max(1024).optional(),
  phone: z.string().trim().min(1, 'phone is required').max(40),
  lang: z.enum(['ja', 'en'], { message: 'lang must be "ja" or "en"' }),
  consent: z.literal(true, { message: 'consent must be true: the customer agrees to an automated AI voice callback' }),
  recordingConsent: z.boolean().optional(),
});
export type RecoveryRequestInput = z.input<typeof recoveryRequestSchema>;

export interface AccountForRecovery {
  id: string;
  email: string;
  phoneE164: string;
  lang: Lang;
  name: string;
}

/** What the recovery flow needs from the identity provider, and nothing more. */
export interface AccountLookup {
  findByEmail(email: string): Promise<AccountForRecovery | null>;
  /** Runs in the same time whether or not the account exists. */
  passwordMatches(email: string, password: string): Promise<boolean>;
  /** Accounts with this number on record, to warn them when it is being hammered (optional). */
  findByPhone?(phoneE164: string): Promise<AccountForRecovery[]>;
}

export interface RecoveryNotifier {
  /** Enqueues the "we will call you at …" mail inside the request's transaction. */
  requestReceived(
    trx: Kysely<Database>,
    args: {
      caseId: string;
      /** The case's 6-digit reference (migration 010), quoted in the mail for calling in. */
      reference: string | null;
      account: AccountForRecovery;
      lang: Lang;
      callAt: Date | null;
      cancelToken: string;
      needsReview: boolean;
    },
  ): Promise<void>;
  /** Enqueues the "someone keeps asking to recover your account" mail, inside the caller's transaction. */
  accountHammered(trx: Kysely<Database>, args: { account: AccountForRecovery }): Promise<void>;
  /**
   * Enqueues the "no account uses this address" mail to the address given, inside the request's
   * transaction: one mail job per request whether or not the account exists, so mail counts and
   * job counts are no oracle (issue 7, finding 2).
   */
  noAccount(trx: Kysely<Database>, args: { caseId: string; email: string; lang: Lang }): Promise<void>;
  /** The unknown address's counterpart of accountHammered, under the same metrics label (finding 2). */
  noAccountHammered(trx: Kysely<Database>, args: { email: string; lang: Lang }): Promise<void>;
}

// Declared with the callback job it queues (callback-job.ts), so that module needs nothing from here.
export type { CallbackScheduler } from './callback-job';

export interface RecoveryRequestDeps {
  cases: CaseService;
  limiter: RateLimiter;
  accounts: AccountLookup;
  calendar: { nextOpen(from: Date): Date };
  scheduler: CallbackScheduler;
  notifier: RecoveryNotifier;
  keys: Keys;
  clock: Clock;
  normalizePhone(input: string): string;
  limits: { requestsPerIpPerHour: number; requestsPerAccountPerDay: number; callsPerPhonePerDay: number; requestsGlobalPerHour: number };
  /** Minimum time between the request and the first call attempt. */
  callLeadMs?: number;
}

export interface RequestContext {
  clientIp: string;
  /** The browser's long-lived device cookie, when the request came from a browser that has one. */
  deviceId?: string;
  /** Set when the customer passed the password step of sign-in moments ago (session evidence). */
  passwordVerifiedForAccountId?: string;
  /**
   * Where that password evidence came from: aizuchi's own sign-in (`signin_session`, the default) or a
   * signed hand-off from the company's sign-in page (`signed_handoff`, SECURITY.md "Evidence").
   */
  passwordEvidenceSource?: 'signin_session' | 'signed_handoff';
  /** The address the evidence names: it must be the account's too, or the evidence does not count. */
  passwordVerifiedEmail?: string;
  /**
   * A hand-off token came with this request and was refused (identity/handoff HandoffRefusal, e.g.
   * `expired`, `replayed`): the request goes on at lower assurance and the case says why.
   */
  handoffRefused?: string;
}

export type RecoveryResult =
  { kind: 'accepted' } | { kind: 'invalid'; message: string; field?: string } | { kind: 'rate_limited'; retryAfterSec: number };

export class InvalidPhoneError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'invalid_phone', cause: options?.cause });
  }
}

/**
 * Turns a callback request into a case. Whatever the account, the caller sees the same answer in
 * the same time: the same checks, the same argon2 work and the same writes happen either way.
 */
export class RecoveryRequestService {
  constructor(private readonly deps: RecoveryRequestDeps) {}

  async submit(raw: unknown, ctx: RequestContext): Promise<RecoveryResult> {
    const parsed = recoveryRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { kind: 'invalid', message: issue?.message ?? 'invalid request', field: issue?.path.join('.') };
    }
    const input = parsed.data;
    let phoneE164: string;
    try {
      phoneE164 = this.deps.normalizePhone(input.phone);
    } catch {
      return { kind: 'invalid', message: 'phone must be a valid phone number, e.g. 090-1234-5678 or +81 90 1234 5678', field: 'phone' };
    }

    const { keys, limits } = this.deps;
    // The case records the exact address; the limit counts the client's network (a whole IPv6 /56).
    const ipKey = hmacHex(keys.tokenHmac, `ip:${ctx.clientIp}`);
    const ipLimitKey = hmacHex(keys.tokenHmac, `ip:${rateLimitAddress(ctx.clientIp)}`);
    const emailKey = hmacHex(keys.tokenHmac, `email:${input.email}`);
    // Counted after E.164 normalisation, so "090-1234-5678" and "+81 90 1234 5678" are one number.
    const phoneKey = hmacHex(keys.tokenHmac, `phone:${phoneE164}`);
    // The attacker's side: what the requester cannot choose freely (address, device cookie).
    const requesterLimits: Limit[] = [{ bucket: `recovery:ip:${ipLimitKey}`, max: limits.requestsPerIpPerHour, windowMs: HOUR_MS }];
    if (ctx.deviceId) {
      const deviceKey = hmacHex(keys.tokenHmac, `device:${ctx.deviceId}`);
      requesterLimits.push({ bucket: `recovery:device:${deviceKey}`, max: limits.requestsPerIpPerHour, windowMs: HOUR_MS });
    }
    // Limits for guessers, keyed on what the requester types: strong evidence passes them.
    const guesserLimits: Limit[] = [
      { bucket: `recovery:account:${emailKey}`, max: limits.requestsPerAccountPerDay, windowMs: DAY_MS },
      { bucket: `recovery:phone:${phoneKey}`, max: limits.callsPerPhonePerDay, windowMs: DAY_MS },
    ];
    const globalLimit: Limit = { bucket: 'recovery:global', max: limits.requestsGlobalPerHour, windowMs: HOUR_MS };
    // Only the requester's own limits spare the argon2 work early: whether the others apply
    // depends on the password, and the same work must happen for every account. The number's
    // limit is counted in the same statement (a round trip less) for the owners' warning below.
    const phoneLimit = guesserLimits[1]!;
    const earlyCounts = await this.deps.limiter.counts([...requesterLimits, phoneLimit]);
    if (requesterLimits.some((limit, i) => (earlyCounts[i] ?? 0) >= limit.max)) return RATE_LIMITED;
    const phoneLimitFull = (earlyCounts[requesterLimits.length] ?? 0) >= phoneLimit.max;

    // Both lookups run whether or not the account exists (passwordMatches hashes a dummy if not).
    const passwordOk = input.password !== undefined ? await this.deps.accounts.passwordMatches(input.email, input.password) : false;
    const account = await this.deps.accounts.findByEmail(input.email);
    const evidenceForAccount =
      account !== null &&
      ctx.passwordVerifiedForAccountId === account.id &&
      (ctx.passwordVerifiedEmail === undefined || ctx.passwordVerifiedEmail === account.email.toLowerCase());
    const sessionEvidence = evidenceForAccount;
    const evidenceSource = ctx.passwordEvidenceSource ?? 'signin_session';
    // A good hand-off for another account than the one asked for (the address was changed on the
    // form) proves nothing here: it is recorded as refused, like a bad token.
    const handoffRefused =
      ctx.handoffRefused ??
      (evidenceSource === 'signed_handoff' && ctx.passwordVerifiedForAccountId !== undefined && !evidenceForAccount
        ? 'account_mismatch'
        : undefined);
    const assurance = account && (passwordOk || sessionEvidence) ? 'password_verified' : 'low';
    const strongEvidence = assurance === 'password_verified';

    const now = this.deps.clock.now();
    const cancelToken = newToken();
    const phoneOnRecord = account !== null && account.phoneE164 === phoneE164;
    const callAt = this.deps.calendar.nextOpen(new Date(now.getTime() + (this.deps.callLeadMs ?? 5 * 60_000)));

    // Whose number this is, read only when its limit is already full (outside the write
    // transaction: the identity store's own reader must not wait on it).
    const phoneOwners =
      !strongEvidence && this.deps.accounts.findByPhone && phoneLimitFull ? await this.deps.accounts.findByPhone(phoneE164) : [];

    // Checked and recorded in a short transaction of its own under the limiter's lock (requests sent
    // together all pass the early check above), not in the case's: a lock held across the case's
    // writes serialised every request of every process (issue 11). An attempt stays counted if the
    // case's transaction then fails, as tryAcquire counts attempts up front.
    const allLimits = [...requesterLimits, ...guesserLimits, globalLimit];
    const refused = await this.deps.limiter.inLockedTransaction(async (trx) => {
      const counts = await this.deps.limiter.counts(allLimits, trx);
      const full = (limit: Limit) => (counts[allLimits.indexOf(limit)] ?? 0) >= limit.max;
      if (requesterLimits.some(full)) return true;
      // The owner with the right password is not held back by strangers' requests for their
      // email or number; guessers are. Each refusal of a real account may tell its owner.
      if (!strongEvidence && guesserLimits.some(full)) {
        await this.tellOwnerOnce(trx, account, input);
        // The number's owners are told too, when it is their number being hammered.
        for (const owner of phoneOwners) if (owner.id !== account?.id) await this.tellOwnerOnce(trx, owner, input);
        return true;
      }
      // The global breaker adds friction instead of switching recovery off: while it is tripped,
      // only requests with a verified password get through (SECURITY.md "Rate limits").
      if (!strongEvidence && full(globalLimit)) return true;
      await this.deps.limiter.record(
        allLimits.map((b) => b.bucket),
        trx,
      );
      return false;
    });
    if (refused) return RATE_LIMITED;

    // The chain's lock is taken last, for the audit events alone (CaseService.inTransactionChainLast).
    await this.deps.cases.inTransactionChainLast(async (trx) => {
      const opened = await this.deps.cases.open(
        trx,
        {
          account_id: account?.id ?? null,
          email: input.email,
          phone_e164: phoneE164,
          phone_on_record: phoneOnRecord ? 1 : 0,
          lang: input.lang,
          state: 'requested',
          assurance,
          consent_at: now.toISOString(),
          consent_version: CONSENT_VERSION,
          recording_consent: input.recordingConsent === false ? 0 : 1,
          client_ip_hash: ipKey,
          scheduled_at: null,
          cancel_token_hash: hmacHex(keys.tokenHmac, `cancel:${cancelToken}`),
        },
        {
          assurance,
          evidence: passwordOk ? 'password' : sessionEvidence ? evidenceSource : 'none',
          ...(handoffRefused && !sessionEvidence ? { handoffRefused } : {}),
          accountKnown: account !== null,
          phoneOnRecord,
          phoneHash: phoneKey,
          clientIpHash: ipKey,
          consentVersion: CONSENT_VERSION,
          consentAt: now.toISOString(),
          lang: input.lang,
        },
      );
      // Every accepted request leaves the same follow-on work, whatever the account: one mail job
      // and one callback job due at callAt. Counters and job counts would otherwise tell whether an
      // account exists or a number is on record (issue 7, finding 2). A callback job whose case is
      // not scheduled for that time does nothing when it runs (see callback-job.ts).
      await this.deps.scheduler.schedule(trx, opened.id, callAt);
      // Its own event, so the timeline says plainly why a hand-off did not count (the visitor is told nothing).
      if (handoffRefused && !sessionEvidence) await this.deps.cases.record(trx, opened.id, 'handoff_refused', { reason: handoffRefused });
      if (!account) {
        // Kept as a case so the security team sees probing; nobody is called.
        await this.deps.cases.transition(trx, opened.id, 'failed', 'closed_unknown_account', {}, { outcome: 'no_account' });
        await this.deps.notifier.noAccount(trx, { caseId: opened.id, email: input.email, lang: input.lang });
        return;
      }
      // The owner said "this wasn't me" lately, or a number we do not know: a person approves
      // before anyone is called (SECURITY.md), and the requester hears the same as ever.
      const reviewReason = (await isRecoveryLocked(trx, account.id, now))
        ? 'recovery_locked'
        : !phoneOnRecord
          ? 'phone_not_on_record'
          : null;
      if (reviewReason) {
        await this.deps.cases.transition(trx, opened.id, 'escalated', 'needs_review', { reason: reviewReason });
        await this.deps.notifier.requestReceived(trx, {
          caseId: opened.id,
          reference: opened.reference ?? null,
          account,
          lang: input.lang,
          callAt: null,
          cancelToken,
          needsReview: true,
        });
        return;
      }
      await this.deps.cases.transition(
        trx,
        opened.id,
        'scheduled',
        'callback_scheduled',
        { at: callAt.toISOString() },
        { scheduled_at: callAt.toISOString() },
      );
      await this.deps.notifier.requestReceived(trx, {
        caseId: opened.id,
        reference: opened.reference ?? null,
        account,
        lang: input.lang,
        callAt,
        cancelToken,
        needsReview: false,
      });
    });
    return { kind: 'accepted' };
  }

  /**
   * Mails the owner that their account or number is being hammered, at most once a day per
   * account (the warning is itself rate-limited so it cannot be used to flood their inbox). An
   * address with no account gets the "no account" mail on the same terms, so the warning's mail
   * count is no oracle for whether the account exists (issue 7, finding 2).
   */
  private async tellOwnerOnce(
    trx: Kysely<Database>,
    account: AccountForRecovery | null,
    input: { email: string; lang: Lang },
  ): Promise<void> {
    const who = account ? `account:${account.id}` : `email:${input.email}`;
    const bucket = `notify:hammered:${hmacHex(this.deps.keys.tokenHmac, who)}`;
    if (await this.deps.limiter.firstExceeded([{ bucket, max: 1, windowMs: DAY_MS }], trx)) return;
    await this.deps.limiter.record([bucket], trx);
    if (account) await this.deps.notifier.accountHammered(trx, { account });
    else await this.deps.notifier.noAccountHammered(trx, { email: input.email, lang: input.lang });
  }
}
