import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKeycloak, startFakeKeycloak } from '../../src/identity/keycloak/testing/fake-keycloak';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES } from '../e2e/support/databases';
import { ALL, MON_1000_JST, manualRecoveryRig, requestIdOf } from './manual-recovery-rig';

/**
 * Issue 10: an approved manual recovery whose reset cannot finish ends visibly. The customers live in
 * a Keycloak (the fake speaks its Admin REST API) and the server resets them through the real Keycloak
 * provider and client, retries included; Keycloak refuses the factor's DELETE for good (403, as for a
 * service account without manage-users) or answers 503 until it recovers. The half-done reset waits
 * for its resume job, which runs on the queue a minute later; a refusal ends the request `failed`, a
 * passing outage completes it.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`an approved manual recovery whose reset fails (${db.name})`, () => {
    const clock = manualClock(MON_1000_JST);
    let keycloak: FakeKeycloak;
    const rig = manualRecoveryRig(db, clock, { keycloak: () => keycloak });
    const { ops, escalatedCase, history, submitted } = rig;

    beforeAll(async () => {
      keycloak = await startFakeKeycloak();
      await rig.start();
    });
    afterAll(async () => {
      await rig.stop();
      await keycloak?.close();
    });

    /** The customer's account as Keycloak holds it: MFA is on while an OTP credential is there. */
    const inKeycloak = (accountId: string) => {
      const u = keycloak.users.get(accountId)!;
      return { mfaEnabled: u.credentials.some((c) => c.type === 'otp'), mfaEnrollRequired: u.requiredActions.includes('CONFIGURE_TOTP') };
    };
    /** Keycloak's path for deleting the OTP credential seedKeycloakUser gave the account. */
    const otpDelete = (accountId: string) => ({ method: 'DELETE', suffix: `/users/${accountId}/credentials/otp-${accountId}` });
    const deletesSeen = (accountId: string) => keycloak.requests.filter((r) => r === `DELETE ${otpDelete(accountId).suffix}`).length;

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
      keycloak.refuseAlways(403, otpDelete(c.accountId));
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
        expect(inKeycloak(c.accountId).mfaEnabled).toBe(true); // the factor is still there
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
        keycloak.refuseAlways(0, otpDelete(c.accountId));
      }

      // The provider is fixed: the holder submits again and the reset completes.
      const again = await a!.b.submit(`${c.url}/manual?lang=en`, `${c.url}/manual`, { item: ALL, note: 'Checked again' });
      expect(again.statusCode).toBe(303);
      expect(again.headers.location).toContain('done=reset');
      expect(await t.services.cases.require(c.caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
      expect(inKeycloak(c.accountId)).toEqual({ mfaEnabled: false, mfaEnrollRequired: true });
    });

    it('a provider that fails once (503): the resume job completes the reset, and nothing is marked failed', async () => {
      const t = rig.t();
      const a = ops[0]!;
      const c = await escalatedCase('customer');
      // 503 on the factor's DELETE until cleared: the provider's own retries give up, the reset is incomplete.
      keycloak.failPath('DELETE', otpDelete(c.accountId).suffix, Infinity);
      try {
        const res = await submitted(a.b, c.url);
        expect(res.headers.location).toContain('done=reset_incomplete');
        const rid = requestIdOf(res.headers.location);
        const triedDuringRequest = deletesSeen(c.accountId);
        expect(triedDuringRequest).toBeGreaterThan(0);
        expect(inKeycloak(c.accountId).mfaEnabled).toBe(true);
        keycloak.failPath('DELETE', otpDelete(c.accountId).suffix, 0); // Keycloak is back before the resume job
        await resumeJobRuns();
        expect(deletesSeen(c.accountId)).toBe(triedDuringRequest + 1);
        expect(await t.services.cases.require(c.caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
        expect(inKeycloak(c.accountId)).toEqual({ mfaEnabled: false, mfaEnrollRequired: true });
        expect(await row(rid)).toMatchObject({ state: 'approved', failure_reason: null });
        const kinds = (await history(c.caseId)).map((e) => e.kind);
        expect(kinds).not.toContain('manual_recovery_failed');
        expect(kinds).not.toContain('reset_abandoned');
        expect((await mailsTo(c.email)).some((m) => m.subject.includes('MFA was removed'))).toBe(true);
        expect((await a.b.get('/console/manual-recoveries?lang=en')).body).not.toContain(`data-request="${rid}"`);
      } finally {
        keycloak.failPath('DELETE', otpDelete(c.accountId).suffix, 0);
      }
    });
  });
}
