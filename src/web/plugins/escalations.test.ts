import Fastify from 'fastify';
import { requestLang } from '../request-lang';
import formbody from '@fastify/formbody';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseService } from '../../cases/case-service';
import { caseDraft } from '../../cases/testing/case-draft';
import { createEscalationQueue } from '../../cases/escalations/escalation-queue';
import type { ConsoleRole } from '../../domain/console-roles';
import { html } from '../../html/safe-html';
import { type Store, openStore } from '../../store/connect';
import { migrateToLatest } from '../../store/migrate';
import { escalationsPlugin, zonedLocalToInstant } from './escalations';

const at = new Date('2035-12-03T01:00:00Z');

describe('escalations plugin roles', () => {
  let store: Store;
  let escalationId: string;
  let app: ReturnType<typeof Fastify>;
  let role: ConsoleRole = 'viewer';

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await migrateToLatest(store);
    const cases = new CaseService(store, { now: () => at });
    const queue = createEscalationQueue({ store, cases, clock: { now: () => at }, slaMs: 3_600_000 });
    const row = await cases.inTransaction(async (trx) => {
      const draft = { ...caseDraft('v@example.com', at), account_id: 'a1', phone_on_record: 0, lang: 'en' as const };
      const c = await cases.open(trx, draft, {});
      return cases.transition(trx, c.id, 'escalated', 'needs_review', { reason: 'phone_not_on_record' });
    });
    escalationId = (await queue.forCase(row.id))!.id;
    app = Fastify();
    await app.register(formbody);
    await app.register(requestLang);
    await app.register(
      escalationsPlugin({
        queue,
        // Stands in for the console's gate: who passed and their role, as request.operator.
        requireOperator: async (req) => {
          req.operator = { id: `someone-${role}`, role, authTime: new Date(), sessionId: 's-1' };
        },
        // CSRF is checked elsewhere (identity.ts); here every form is accepted so only the role decides.
        csrf: { token: () => 't', field: () => html`<input type="hidden" name="_csrf" value="t">`, verify: () => true },
        mask: { email: () => 'v***@example.com', phone: () => '***5678' },
        timeZone: 'Asia/Tokyo',
      }),
    );
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  it('a viewer sees the queue and the summary but no forms, and a claim posted anyway is refused (403), changing nothing', async () => {
    role = 'viewer';
    const page = await app.inject({ method: 'GET', url: `/console/escalations/${escalationId}?lang=en` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-testid="call-summary"');
    // The console menu's sign-out form is there for everyone; no form acts on the escalation.
    expect(page.body).not.toMatch(/<form[^>]*action="\/console\/escalations\//);
    expect(page.body).not.toMatch(/data-testid="(claim|release|note|callback|approve|close)-form"/);
    const res = await app.inject({ method: 'POST', url: `/console/escalations/${escalationId}/claim`, payload: { _csrf: 't' } });
    expect(res.statusCode).toBe(403);
    const held = await store.db.selectFrom('escalations').select('claimed_by').where('id', '=', escalationId).executeTakeFirst();
    expect(held?.claimed_by).toBeNull();
  });

  it('an operator may claim', async () => {
    role = 'operator';
    const page = await app.inject({ method: 'GET', url: `/console/escalations/${escalationId}?lang=en` });
    expect(page.body).toMatch(/data-testid="claim-form"/);
    const res = await app.inject({ method: 'POST', url: `/console/escalations/${escalationId}/claim`, payload: { _csrf: 't' } });
    expect(res.statusCode).toBe(303);
    const held = await store.db.selectFrom('escalations').select('claimed_by').where('id', '=', escalationId).executeTakeFirst();
    expect(held?.claimed_by).toBe('someone-operator');
  });
});

describe('zonedLocalToInstant', () => {
  it('reads a datetime-local value as wall time in the zone', () => {
    expect(zonedLocalToInstant('2035-12-03T15:30', 'Asia/Tokyo').toISOString()).toBe('2035-12-03T06:30:00.000Z');
    expect(zonedLocalToInstant('2035-07-01T09:00', 'America/New_York').toISOString()).toBe('2035-07-01T13:00:00.000Z');
    expect(Number.isNaN(zonedLocalToInstant('next tuesday', 'Asia/Tokyo').getTime())).toBe(true);
  });
});
