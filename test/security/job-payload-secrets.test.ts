import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * Kind: secrets at rest in the job queue (issue 11). A mail waits in the queue as a job until a worker
 * sends it: the verification code, the softphone link that answers the customer's call, the "this
 * wasn't me" link and the customer's address were in its payload as plain JSON (pg-boss's
 * `pgboss.job.data`, the embedded queue's `jobs.payload`) until it was sent, and for as long as the
 * relay refused it. A role that can only read the database (a reporting account, a replica, a backup
 * taken mid-retry) could open the customer's softphone before them and read the code the agent then
 * asks for: with the password from elsewhere, a reset under the `mailbox` policy. Payloads are now
 * sealed with a key derived from the master key while they wait; finished ones are scrubbed as before.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`job payloads while a job waits (${db.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({
        clock: systemClock,
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0', AIZUCHI_POLICY: 'mailbox' },
      });
    });
    afterAll(async () => {
      await t?.stop();
    });

    /** Every waiting job's payload as the database holds it. */
    async function storedPayloads(): Promise<string[]> {
      const { db: kysely } = t.services.store;
      if (t.services.jobs.engine === 'pg-boss') {
        const { rows } = await sql<{ data: string }>`select data::text as data from pgboss.job where state in ('created', 'retry')`.execute(
          kysely,
        );
        return rows.map((r) => r.data);
      }
      const rows = await kysely.selectFrom('jobs').select('payload').where('state', '=', 'queued').execute();
      return rows.map((r) => r.payload);
    }

    it('a queued mail holds neither the address, the subject, nor a link or its token', async () => {
      const email = `sealed-${db.name}@example.com`;
      await t.services.identity.createAccount({
        email,
        password: 'correct horse battery',
        name: 'Pat Smith',
        phone: '090-7300-0001',
        lang: 'en',
        mfa: true,
      });
      const res = await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        remoteAddress: '192.0.2.77',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email, phone: '090-7300-0001', lang: 'en', consent: true, password: 'correct horse battery' }),
      });
      expect(res.statusCode).toBe(202);
      const stored = (await storedPayloads()).join('\n');
      expect(stored).not.toBe('');

      await t.services.jobs.worker.runDue();
      const mails = (
        await t.server.app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${encodeURIComponent(email)}` })
      ).json() as Array<{
        subject: string;
        text: string;
      }>;
      expect(mails.length).toBeGreaterThan(0);
      const links = mails.flatMap((m) => m.text.match(/https?:\/\/\S+/g) ?? []);
      expect(links.length).toBeGreaterThan(0); // the cancel link at least; the softphone link under `mailbox`
      const tokens = links.flatMap((l) => [...new URL(l).searchParams.values()].filter((v) => v.length >= 16));
      expect(tokens.length).toBeGreaterThan(0);

      expect(stored).not.toContain(email);
      for (const m of mails) expect(stored).not.toContain(m.subject);
      for (const link of links) expect(stored).not.toContain(link);
      for (const token of tokens) expect(stored).not.toContain(token);
    });
  });
}
