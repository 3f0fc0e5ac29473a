import { afterEach, describe, expect, it } from 'vitest';
import { CaseService } from '../cases/case-service';
import { openVerifyingCase } from '../cases/testing/case-draft';
import type { IdentityProvider, SignInSince } from '../identity/provider';
import { IdentityProviderAuthError, IdentityProviderUnavailableError } from '../identity/provider-errors';
import { createIdentityService } from '../identity/service';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../identity/test-stores';
import { createDbJobQueue } from '../jobs/db-job-queue';
import type { JobContext } from '../jobs/queue';
import { createLogger } from '../observability/logger';
import { deriveKeys } from '../security/keys';
import {
  MFA_RESET_DUE_JOB,
  MFA_RESET_RESUME_JOB,
  MfaResetIncompleteError,
  RESUME_MAX_ATTEMPTS,
  type ResetGaveUp,
  createMfaReset,
} from './mfa-reset';

const pgUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

/** The embedded provider with one step made to fail the next `failures` times, and a settable sign-in answer. */
function flaky(inner: IdentityProvider) {
  const plan = { step: null as null | 'revokeSessions' | 'removeMfaFactors', failures: 0, error: () => new Error('x') as Error };
  let signIn: SignInSince | null = null;
  const provider: IdentityProvider = {
    ...inner,
    kind: inner.kind,
    async removeMfaFactors(id) {
      if (plan.step === 'removeMfaFactors' && plan.failures-- > 0) throw plan.error();
      return inner.removeMfaFactors(id);
    },
    async revokeSessions(id) {
      if (plan.step === 'revokeSessions' && plan.failures-- > 0) throw plan.error();
      return inner.revokeSessions(id);
    },
    signedInSince: async (id, since) => signIn ?? inner.signedInSince(id, since),
  };
  return { provider, plan, answerSignIn: (a: SignInSince) => void (signIn = a) };
}

async function setup(ts: TestStore) {
  const { store } = ts;
  let now = new Date('2026-01-06T01:00:00.000Z').getTime();
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  const logger = createLogger('silent');
  const keys = deriveKeys(Buffer.alloc(32, 5));
  const identity = createIdentityService({ store, keys, clock, logger, limits: { loginFailuresPer15Min: 5 } });
  const cases = new CaseService(store, clock);
  const jobs = createDbJobQueue({ store, clock, logger, workerId: 'test' });
  const f = flaky(identity);
  const gaveUp: ResetGaveUp[] = [];
  const reset = createMfaReset({
    cases,
    identity: f.provider,
    queue: jobs.queue,
    tokenKey: keys.tokenHmac,
    clock,
    publicUrl: 'http://localhost:3000',
    companyName: 'Acme',
    timeZone: 'Asia/Tokyo',
    logger,
    gaveUp: async (_trx, info) => void gaveUp.push(info),
  });
  const { account } = await identity.createAccount({
    email: 'hanako@example.com',
    password: 'correct-horse-battery',
    name: '佐藤 花子',
    phone: '090-1234-5678',
    lang: 'ja',
    mfa: true,
    role: 'customer',
  });
  const caseId = await openVerifyingCase(cases, account, clock.now());
  const contact = (await identity.getContact(account.id))!;
  const jobOf = (kind: string) => store.db.selectFrom('jobs').selectAll().where('kind', '=', kind).executeTakeFirst();
  const ctx = (jobId: string, attempt = 1): JobContext => ({
    jobId,
    attempt,
    signal: new AbortController().signal,
    complete: async (fn) => cases.inTransaction(fn),
  });
  const kinds = async () => (await cases.history(caseId)).map((e) => e.kind);
  return { clock, identity, cases, reset, account, caseId, contact, jobOf, ctx, kinds, gaveUp, ...f };
}

function suite(name: string, open: () => Promise<TestStore>) {
  describe(`mfa reset on ${name}`, () => {
    let ts: TestStore | null = null;
    afterEach(async () => {
      await ts?.dispose();
      ts = null;
    });
    const fresh = async () => setup((ts = await open()));

    it('a reset whose session revocation fails is recorded, not resolved, and the resume job finishes it', async () => {
      const f = await fresh();
      const session = await f.identity.sessions.create(f.account.id, 'full', f.clock.now());
      f.plan.step = 'revokeSessions';
      f.plan.failures = 1;
      f.plan.error = () => new IdentityProviderUnavailableError('embedded', 'answered 503', { status: 503 });
      await expect(f.reset.perform(f.caseId, f.account.id, f.contact, 'agent')).rejects.toBeInstanceOf(MfaResetIncompleteError);
      // Factors are gone and a new device is required, but the case says the reset is not done.
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
      expect(await f.identity.sessions.read(session.token)).not.toBeNull();
      expect(await f.cases.require(f.caseId)).toMatchObject({ state: 'verifying', outcome: null });
      const incomplete = (await f.cases.history(f.caseId)).find((e) => e.kind === 'reset_incomplete')!;
      expect(JSON.parse(incomplete.data)).toMatchObject({
        failedStep: 'sessions_revoked',
        errorName: 'IdentityProviderUnavailableError',
        errorCode: 'identity_provider_unavailable',
        retryable: true,
      });
      expect(await f.kinds()).not.toContain('mfa_reset');

      const job = await f.jobOf(MFA_RESET_RESUME_JOB);
      expect(job).toBeDefined();
      await f.reset.resumeHandler(JSON.parse(job!.payload), f.ctx(job!.id));
      expect(await f.identity.sessions.read(session.token)).toBeNull();
      expect(await f.cases.require(f.caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
      expect((await f.kinds()).slice(-2)).toEqual(['mfa_reset', 'notification_queued']);
    });

    it('a resume the provider refuses for good gives up at once: reset_abandoned and gaveUp in the done transaction, no throw', async () => {
      const f = await fresh();
      f.plan.step = 'removeMfaFactors';
      f.plan.failures = 2;
      f.plan.error = () => new IdentityProviderAuthError('embedded', 'refused our credentials (403)', { status: 403 });
      await expect(f.reset.perform(f.caseId, f.account.id, f.contact, 'agent')).rejects.toMatchObject({ failedStep: 'mfa_removed' });
      const job = await f.jobOf(MFA_RESET_RESUME_JOB);
      expect(job!.max_attempts).toBe(RESUME_MAX_ATTEMPTS);
      await f.reset.resumeHandler(JSON.parse(job!.payload), f.ctx(job!.id));
      expect((await f.kinds()).filter((k) => k === 'reset_incomplete')).toHaveLength(2);
      const abandoned = (await f.cases.history(f.caseId)).find((e) => e.kind === 'reset_abandoned')!;
      expect(JSON.parse(abandoned.data)).toMatchObject({
        reason: 'provider_refused',
        failedStep: 'mfa_removed',
        errorCode: 'identity_provider_auth',
      });
      expect(f.gaveUp).toEqual([expect.objectContaining({ caseId: f.caseId, via: 'agent', reason: 'provider_refused', attempt: 1 })]);
      expect((await f.cases.require(f.caseId)).state).toBe('verifying');
    });

    it('a resume that fails transiently is thrown for the queue’s backoff until its last attempt, which gives up', async () => {
      const f = await fresh();
      f.plan.step = 'revokeSessions';
      f.plan.failures = 3;
      f.plan.error = () => new IdentityProviderUnavailableError('embedded', 'answered 503', { status: 503 });
      await f.reset.perform(f.caseId, f.account.id, f.contact, 'agent').catch(() => undefined);
      const job = await f.jobOf(MFA_RESET_RESUME_JOB);
      const again = await f.reset.resumeHandler(JSON.parse(job!.payload), f.ctx(job!.id, 1)).catch((e: unknown) => e);
      expect((again as MfaResetIncompleteError).cause).toBeInstanceOf(IdentityProviderUnavailableError);
      expect(f.gaveUp).toEqual([]);
      await f.reset.resumeHandler(JSON.parse(job!.payload), f.ctx(job!.id, RESUME_MAX_ATTEMPTS));
      expect(f.gaveUp).toEqual([expect.objectContaining({ reason: 'provider_retries_exhausted', failedStep: 'sessions_revoked' })]);
      expect(await f.kinds()).toContain('reset_abandoned');
      expect(await f.kinds()).not.toContain('mfa_reset');
    });

    it('a resume for a case closed meanwhile (an operator, a cancel) changes nothing', async () => {
      const f = await fresh();
      f.plan.step = 'revokeSessions';
      f.plan.failures = 1;
      f.plan.error = () => new IdentityProviderUnavailableError('embedded', 'timed out');
      await f.reset.perform(f.caseId, f.account.id, f.contact, 'agent').catch(() => undefined);
      await f.cases.inTransaction((trx) =>
        f.cases.transition(trx, f.caseId, 'cancelled', 'cancelled_by_operator', {}, { outcome: 'cancelled' }),
      );
      const job = await f.jobOf(MFA_RESET_RESUME_JOB);
      await f.reset.resumeHandler(JSON.parse(job!.payload), f.ctx(job!.id));
      expect(await f.cases.require(f.caseId)).toMatchObject({ state: 'cancelled' });
      expect(await f.kinds()).not.toContain('mfa_reset');
    });

    it('strict: a provider that cannot tell whether anyone signed in holds the reset for a person', async () => {
      const f = await fresh();
      await f.reset.schedule(f.caseId, 24 * 3_600_000);
      f.answerSignIn('unknown');
      f.clock.advance(24 * 3_600_000);
      const job = await f.jobOf(MFA_RESET_DUE_JOB);
      await f.reset.dueHandler(JSON.parse(job!.payload), f.ctx(job!.id));
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: true, mfaEnrollRequired: false });
      expect(await f.cases.require(f.caseId)).toMatchObject({ state: 'escalated' });
      const held = (await f.cases.history(f.caseId)).find((e) => e.kind === 'reset_held')!;
      expect(JSON.parse(held.data)).toMatchObject({ reason: 'sign_in_unknown', provider: 'embedded' });
    });
  });
}

suite('SQLite', openSqliteTestStore);
describe.runIf(pgUrl)('PostgreSQL', () => suite('PostgreSQL', () => openPostgresTestStore(pgUrl!)));
