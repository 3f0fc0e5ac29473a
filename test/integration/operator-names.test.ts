import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { addOperator, openRecoveryCase } from '../e2e/support/console-people';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';
import { createOperatorNames } from '../../src/settings';

// Monday 10:00 JST: open hours.
const MON_1000_JST = new Date('2035-12-03T01:00:00Z');

/**
 * People read names, not ids (issue 10): whoever saved the settings, holds an escalation, wrote a
 * note or acted in a case's timeline is named on every console page another operator reads; the
 * signed-in operator's own acts say "you".
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`operators are named on the console pages (${db.name})`, () => {
    const clock = manualClock(MON_1000_JST);
    let t: TestServer;
    let adminId: string;
    let admin: InjectBrowser;
    let other: InjectBrowser;
    let caseId: string;
    let escalationUrl: string;

    const browserOf = async (id: string, ip: string) => {
      const b = new InjectBrowser(t.server.app, ip);
      b.useSession((await t.services.identity.sessions.create(id, 'full', clock.now())).token);
      return b;
    };

    beforeAll(async () => {
      t = await startTestServer({
        clock,
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' },
      });
      adminId = (await addOperator(t, { email: `names-admin-${db.name}@example.com`, name: '山田 花子', role: 'admin' })).id;
      admin = await browserOf(adminId, '192.0.2.31');
      other = await browserOf((await addOperator(t, { email: `names-op-${db.name}@example.com`, name: 'Taro Op' })).id, '192.0.2.32');

      // A number not on record: the case waits in the escalation queue for a person.
      ({ caseId } = await openRecoveryCase(
        t,
        { email: `names-cust-${db.name}@example.com`, name: 'Cust', phone: '090-2222-4001', role: 'customer' },
        { remoteAddress: '192.0.2.33', lang: 'ja', phone: '080-7777-4001' },
      ));
      const esc = await t.services.store.db.selectFrom('escalations').select('id').where('case_id', '=', caseId).executeTakeFirstOrThrow();
      escalationUrl = `/console/escalations/${esc.id}`;

      const s = t.services.settings.current().settings;
      await t.services.settings.save({ ...s, closedDates: [...s.closedDates, '2035-12-31'] }, adminId);
      expect((await admin.submit(escalationUrl, `${escalationUrl}/claim`, {})).statusCode).toBe(303);
      expect((await admin.submit(escalationUrl, `${escalationUrl}/note`, { text: 'Customer prefers mornings' })).statusCode).toBe(303);
    });
    afterAll(async () => {
      await t?.stop();
    });

    it("settings: 'saved by' and the change history name the admin", async () => {
      const ja = (await other.get('/console/settings?lang=ja')).body;
      expect(ja).toContain('山田 花子 が');
      expect((await other.get('/console/settings?lang=en')).body).toContain('saved by 山田 花子 at');
      expect(/data-testid="settings-change"><td>[^<]*<\/td><td>([^<]*)</.exec(ja)?.[1]).toBe('山田 花子');
      expect(ja).not.toContain(adminId);
    });

    it('escalations: the holder and the note author by name for others, "you" for themselves', async () => {
      for (const url of ['/console/escalations?lang=ja', `${escalationUrl}?lang=ja`]) {
        const body = (await other.get(url)).body;
        expect(/data-testid="holder">([^<]*)</.exec(body)?.[1]).toBe('山田 花子');
        expect(body).not.toContain(adminId);
      }
      expect((await other.get(`${escalationUrl}?lang=en`)).body).toMatch(/· 山田 花子<\/span><br>Customer prefers mornings/);
      expect(/data-testid="holder">([^<]*)</.exec((await admin.get(`${escalationUrl}?lang=en`)).body)?.[1]).toBe('you');
    });

    it('the case timeline says which operator acted, by name', async () => {
      const ja = (await other.get(`/console/cases/${caseId}?lang=ja`)).body;
      expect(ja).toContain('オペレーター 山田 花子');
      expect((await other.get(`/console/cases/${caseId}?lang=en`)).body).toContain('Operator 山田 花子');
      expect(ja).not.toContain(adminId.slice(0, 12));
    });

    it('an SSO operator is named from their latest session, the address masked when there is no name; an unknown id is left to the caller', async () => {
      const session = (subject: string, name: string | null, email: string | null, at: string) => ({
        token_hash: `hash-${subject}-${at}`,
        issuer: 'https://idp.example',
        subject,
        email,
        name,
        role: 'operator',
        created_at: at,
        expires_at: '2099-01-01T00:00:00.000Z',
        public_id: `pub-${subject}-${at}`,
        auth_at: at,
        last_seen_at: at,
      });
      await t.services.store.db
        .insertInto('operator_sso_sessions')
        .values([
          session('sub-1', 'Old Name', 'sso1@corp.example', '2035-12-01T00:00:00.000Z'),
          session('sub-1', '佐々木 一郎', 'sso1@corp.example', '2035-12-02T00:00:00.000Z'),
          session('sub-2', null, 'sasaki.jiro@corp.example', '2035-12-02T00:00:00.000Z'),
        ])
        .execute();
      const names = await createOperatorNames(t.services.store)(['oidc:sub-1', 'oidc:sub-2', 'oidc:gone', adminId, 'no-such-id']);
      expect(Object.fromEntries(names)).toEqual({
        'oidc:sub-1': '佐々木 一郎',
        'oidc:sub-2': expect.stringMatching(/^s\*\*\*@corp\.example$/),
        [adminId]: '山田 花子',
      });
    });
  });
}
