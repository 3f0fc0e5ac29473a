import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IdentityProviderAuthError, IdentityProviderUnavailableError } from '../../src/identity/provider-errors';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES } from '../e2e/support/databases';
import { ALL, MON_1000_JST, manualRecoveryRig, requestIdOf } from './manual-recovery-rig';

/**
 * Issue 10: an approved manual recovery whose reset cannot finish ends visibly. The customer accounts'
 * provider (Services.accounts, what the reset calls) has its removeMfaFactors made to fail: for good
 * (403, credentials refused) or once (503). The half-done reset waits for its resume job, which runs
 * on the queue a minute later; a refusal ends the request `failed`, a passing blip completes it.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`an approved manual recovery whose reset fails (${db.name})`, () => {
    const clock = manualClock(MON_1000_JST);
    const rig = manualRecoveryRig(db, clock);
    const { ops, escalatedCase, history, submitted } = rig;

    beforeAll(() => rig.start());
    afterAll(() => rig.stop());

    /** Runs the queue as it stands two minutes later (the resume job waits one), then puts the clock back. */
    async function resumeJobRuns(): Promise<void> {
      clock.set(new Date(MON_1000_JST.getTime() + 2 * 60_000));
      try {
        await rig.t().services.jobs.worker.runDue();
      } finally {
        clock.set(MON_1000_JST);
      }
    }
    const row = (id: string) =>
      rig.t().services.store.db.selectFrom('manual_recoveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const mailsTo = async (email: string) =>
      (await rig.t().server.app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${encodeURIComponent(email)}` })).json() as Array<{
        subject: string;
      }>;

    it('a provider that refuses removeMfaFactors for good: failed with its reason and an event, listed in ja/en, the customer told nothing, and the holder may submit again', async () => {
      const t = rig.t();
      const [a, b] = ops;
      const c = await escalatedCase('customer');
      const refuse = vi
        .spyOn(t.services.accounts, 'removeMfaFactors')
        .mockRejectedValue(new IdentityProviderAuthError(t.services.accounts.kind, 'refused our credentials (403)', { status: 403 }));
      try {
        const res = await submitted(a!.b, c.url);
        expect(res.headers.location).toContain('done=reset_incomplete');
        const rid = requestIdOf(res.headers.location);
        expect(await row(rid)).toMatchObject({ state: 'approved', failure_reason: null });
        // While the resume job may still finish it, the request is under way: no second one.
        const meanwhile = await a!.b.submit(`${c.url}/manual?lang=en`, `${c.url}/manual`, { item: ALL, note: 'Checked again' });
        expect(meanwhile.statusCode).toBe(409);

        await resumeJobRuns();
        expect(await row(rid)).toMatchObject({ state: 'failed', failure_reason: 'provider_refused' });
        const h = await history(c.caseId);
        expect(h.find((e) => e.kind === 'manual_recovery_failed')?.data).toEqual({
          requestId: rid,
          escalationId: c.url.split('/').at(-1),
          reason: 'provider_refused',
          failedStep: 'mfa_removed',
          errorCode: 'identity_provider_auth',
          requestedBy: a!.id,
          approvedBy: null,
        });
        expect(h.find((e) => e.kind === 'reset_abandoned')?.data).toMatchObject({ reason: 'provider_refused', failedStep: 'mfa_removed' });
        expect(h.some((e) => e.kind === 'mfa_reset')).toBe(false);
        expect(JSON.stringify(h)).not.toContain(c.email);
        expect(await t.services.identity.getAccount(c.accountId)).toMatchObject({ mfaEnabled: true });
        expect((await t.services.cases.require(c.caseId)).state).toBe('escalated');
        const esc = await t.services.store.db
          .selectFrom('escalations')
          .selectAll()
          .where('case_id', '=', c.caseId)
          .executeTakeFirstOrThrow();
        expect(esc).toMatchObject({ claimed_by: a!.id, closed_at: null });
        expect((await mailsTo(c.email)).some((m) => m.subject.includes('MFA was removed'))).toBe(false);

        // Another operator sees it on the list, with its reason, in both languages and in JST.
        const en = await b!.b.get('/console/manual-recoveries?lang=en');
        expect(en.body).toContain('Manual recoveries whose reset failed');
        expect(en.body).toMatch(new RegExp(`data-request="${rid}" data-reason="provider_refused"><td>[^<]*JST</td>`));
        expect(en.body).toContain('The identity provider refused the reset');
        const ja = await b!.b.get('/console/manual-recoveries?lang=ja');
        expect(ja.body).toContain('リセットに失敗した手動リカバリー');
        expect(ja.body).toContain('IDプロバイダーがリセットを拒否しました');
        const review = await b!.b.get(`/console/manual-recoveries/${rid}?lang=en`);
        expect(review.body).toContain('data-state="failed"');
        expect(review.body).toContain('data-reason="provider_refused"');
        expect(review.body).not.toContain('approve-manual-form');
      } finally {
        refuse.mockRestore();
      }

      // The provider is fixed: the holder submits again and the reset completes.
      const again = await a!.b.submit(`${c.url}/manual?lang=en`, `${c.url}/manual`, { item: ALL, note: 'Checked again' });
      expect(again.statusCode).toBe(303);
      expect(again.headers.location).toContain('done=reset');
      expect(await t.services.cases.require(c.caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
      expect(await t.services.identity.getAccount(c.accountId)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
    });

    it('a provider that fails once (503): the resume job completes the reset, and nothing is marked failed', async () => {
      const t = rig.t();
      const a = ops[0]!;
      const c = await escalatedCase('customer');
      const blip = vi
        .spyOn(t.services.accounts, 'removeMfaFactors')
        .mockRejectedValueOnce(new IdentityProviderUnavailableError(t.services.accounts.kind, 'answered 503', { status: 503 }));
      try {
        const res = await submitted(a.b, c.url);
        expect(res.headers.location).toContain('done=reset_incomplete');
        const rid = requestIdOf(res.headers.location);
        await resumeJobRuns();
        expect(blip).toHaveBeenCalledTimes(2);
        expect(await t.services.cases.require(c.caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
        expect(await t.services.identity.getAccount(c.accountId)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
        expect(await row(rid)).toMatchObject({ state: 'approved', failure_reason: null });
        const kinds = (await history(c.caseId)).map((e) => e.kind);
        expect(kinds).not.toContain('manual_recovery_failed');
        expect(kinds).not.toContain('reset_abandoned');
        expect((await mailsTo(c.email)).some((m) => m.subject.includes('MFA was removed'))).toBe(true);
        expect((await a.b.get('/console/manual-recoveries?lang=en')).body).not.toContain(`data-request="${rid}"`);
      } finally {
        blip.mockRestore();
      }
    });
  });
}
