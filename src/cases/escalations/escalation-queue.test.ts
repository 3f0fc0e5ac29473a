import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshStore, openFreshStore } from '../../../test/jobs/fresh-store';
import { verifyAuditLog } from '../../audit/audit-log';
import { CaseService, type CaseRow } from '../case-service';
import { EscalationError, createEscalationQueue } from './escalation-queue';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const targets = [
  { name: 'SQLite', url: undefined, enabled: true },
  { name: 'PostgreSQL', url: postgresUrl, enabled: Boolean(postgresUrl) },
];

const T0 = new Date('2035-12-03T01:00:00Z');
const SLA_MIN = 120;

for (const target of targets) {
  describe.runIf(target.enabled)(`escalation queue on ${target.name}`, () => {
    let fresh: FreshStore;
    let now = T0;
    const clock = { now: () => now };
    let cases: CaseService;
    let queue: ReturnType<typeof createEscalationQueue>;

    beforeAll(async () => {
      fresh = await openFreshStore(target.url);
      cases = new CaseService(fresh.store, clock);
      queue = createEscalationQueue({ store: fresh.store, cases, clock, slaMs: SLA_MIN * 60_000 });
    });
    afterAll(async () => {
      await fresh?.dispose();
    });

    let n = 0;
    async function openCase(state: 'verifying' | 'requested' = 'verifying'): Promise<CaseRow> {
      now = T0;
      n++;
      return cases.inTransaction((trx) =>
        cases.open(
          trx,
          {
            account_id: `acct-${n}`,
            email: `c${n}@example.com`,
            phone_e164: '+819012345678',
            phone_on_record: 1,
            lang: n % 2 ? 'ja' : 'en',
            state,
            assurance: 'password_verified',
            consent_at: T0.toISOString(),
            consent_version: 'v1',
            recording_consent: 1,
            client_ip_hash: 'ip',
            scheduled_at: null,
            cancel_token_hash: null,
          },
          { assurance: 'password_verified', phoneOnRecord: true },
        ),
      );
    }
    const move = (id: string, to: 'escalated' | 'scheduled' | 'failed', kind: string, data: Record<string, unknown> = {}) =>
      cases.inTransaction((trx) => cases.transition(trx, id, to, kind, data));

    it('a call the agent hands over is queued with its reason, and the case outcome says so (it was blank)', async () => {
      const c = await openCase();
      await move(c.id, 'escalated', 'call_escalated', { detail: 'caller_request' });
      expect((await cases.require(c.id)).outcome).toBe('escalated: caller_request');
      const entry = (await queue.listOpen()).find((e) => e.caseRow.id === c.id);
      expect(entry?.escalation).toMatchObject({ reason: 'caller_request', claimed_by: null, closed_at: null, opened_at: T0.toISOString() });
      expect(entry?.dueAt.toISOString()).toBe(new Date(T0.getTime() + SLA_MIN * 60_000).toISOString());
    });

    it('folds the agent and intake reasons into the queue reasons', async () => {
      const cases_: Array<[string, Record<string, unknown>, string]> = [
        ['call_escalated', { detail: 'code_locked' }, 'too_many_attempts'],
        ['call_escalated', { detail: 'code_send_limit' }, 'too_many_attempts'],
        ['call_escalated', { detail: 'system_error' }, 'system_error'],
        ['call_escalated', { detail: 'policy_needs_person' }, 'policy_needs_person'],
        ['call_wrong_person', { detail: 'third_party' }, 'wrong_person'],
        ['reset_held', { reason: 'sign_in_unknown' }, 'sign_in_unknown'],
      ];
      for (const [kind, data, reason] of cases_) {
        const c = await openCase();
        await move(c.id, 'escalated', kind, data);
        expect((await queue.forCase(c.id))?.reason).toBe(reason);
      }
      const review = await openCase('requested');
      await move(review.id, 'escalated', 'needs_review', { reason: 'phone_not_on_record' });
      expect((await queue.forCase(review.id))?.reason).toBe('phone_not_on_record');
    });

    it('the last unanswered call queues the failed case as calls exhausted; an approval takes a case out of the queue and clears the outcome', async () => {
      const exhausted = await openCase();
      await move(exhausted.id, 'failed', 'call_abandoned', {});
      expect((await queue.forCase(exhausted.id))?.reason).toBe('calls_exhausted');

      const review = await openCase('requested');
      await move(review.id, 'escalated', 'needs_review', { reason: 'phone_not_on_record' });
      await move(review.id, 'scheduled', 'operator_approved', {});
      expect(await queue.forCase(review.id)).toMatchObject({ resolution: 'operator_approved' });
      expect((await queue.listOpen()).some((e) => e.caseRow.id === review.id)).toBe(false);
      expect((await cases.require(review.id)).outcome).toBeNull();
    });

    it('shows time left, then overdue, on the SLA clock', async () => {
      const c = await openCase();
      await move(c.id, 'escalated', 'call_escalated', { detail: 'caller_request' });
      now = new Date(T0.getTime() + 30 * 60_000);
      expect((await queue.listOpen()).find((e) => e.caseRow.id === c.id)?.msLeft).toBe(90 * 60_000);
      now = new Date(T0.getTime() + (SLA_MIN + 5) * 60_000);
      expect((await queue.listOpen()).find((e) => e.caseRow.id === c.id)?.msLeft).toBe(-5 * 60_000);
    });

    it('two operators claiming at once: exactly one holds it, the other is told who does', async () => {
      const c = await openCase();
      await move(c.id, 'escalated', 'call_escalated', { detail: 'caller_request' });
      const id = (await queue.forCase(c.id))!.id;
      const results = await Promise.allSettled([queue.claim(id, 'op-a'), queue.claim(id, 'op-b')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(EscalationError);
      expect((refused.reason as EscalationError).code).toBe('claimed_by_other');
      const holder = (await queue.forCase(c.id))!.claimed_by;
      expect(['op-a', 'op-b']).toContain(holder);
      const claims = (await cases.history(c.id)).filter((e) => e.kind === 'escalation_claimed');
      expect(claims).toHaveLength(1);
      expect(JSON.parse(claims[0]!.data)).toEqual({ escalationId: id, operatorId: holder });

      // Only the holder may release; then the other may claim.
      const other = holder === 'op-a' ? 'op-b' : 'op-a';
      await expect(queue.release(id, other)).rejects.toMatchObject({ code: 'not_holder' });
      await queue.release(id, holder!);
      await queue.claim(id, other);
      expect((await queue.forCase(c.id))!.claimed_by).toBe(other);
      expect(await verifyAuditLog(fresh.store)).toMatchObject({ ok: true });
    });

    it('stores notes, records only their length in the history, and refuses code-like digit runs and empty notes', async () => {
      const c = await openCase();
      await move(c.id, 'escalated', 'call_escalated', { detail: 'caller_request' });
      const id = (await queue.forCase(c.id))!.id;
      await expect(queue.addNote(id, 'op-a', 'she read 482 913 to me')).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(queue.addNote(id, 'op-a', '   ')).rejects.toMatchObject({ code: 'invalid_input' });
      await queue.addNote(id, 'op-a', '本人と折り返しの時間を調整中');
      expect((await queue.notes(id)).map((x) => ({ op: x.operatorId, text: x.text }))).toEqual([
        { op: 'op-a', text: '本人と折り返しの時間を調整中' },
      ]);
      const history = await cases.history(c.id);
      const noted = history.filter((e) => e.kind === 'escalation_note_added');
      expect(noted).toHaveLength(1);
      expect(JSON.parse(noted[0]!.data)).toMatchObject({ operatorId: 'op-a', chars: 14 });
      expect(JSON.stringify(history)).not.toContain('折り返し');
    });
  });
}
