import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/** The count a chart drew for one bar (and one stacked part). */
function drawn(body: string, chart: string, label: string, key: string): number | undefined {
  const svg = new RegExp(`<svg data-testid="${chart}"[\\s\\S]*?</svg>`).exec(body)?.[0] ?? '';
  const group = new RegExp(`<g data-label="${label.replace(/[+]/g, '\\+')}">([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? '';
  const v = new RegExp(`<rect data-key="${key}" data-value="(\\d+)"`).exec(group)?.[1];
  return v === undefined ? undefined : Number(v);
}

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`console charts from the calls table (${db.name})`, () => {
    let t: TestServer;
    const operator = { email: `charts-${db.name}@example.com`, password: 'operator password' };
    let operatorUri: string;
    // Friday 2035-12-07 12:00 JST.
    const clock = manualClock(new Date('2035-12-07T03:00:00Z'));

    beforeAll(async () => {
      t = await startTestServer({ clock, postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined });
      operatorUri = (
        await t.services.identity.createAccount({ ...operator, name: 'Op', phone: '03-1234-5678', role: 'operator', mfa: true })
      ).otpauthUri!;
      const at = '2035-12-01T00:00:00.000Z';
      const db_ = t.services.store.db;
      await db_
        .insertInto('cases')
        .values({
          id: 'c0000000-0000-4000-8000-000000000001',
          account_id: null,
          email: 'x@example.com',
          phone_e164: '+819012345678',
          phone_on_record: 1,
          lang: 'ja',
          state: 'resolved',
          assurance: 'low',
          consent_at: at,
          consent_version: 'v1',
          recording_consent: 0,
          client_ip_hash: 'ip',
          scheduled_at: null,
          call_attempts: 0,
          outcome: null,
          cancel_token_hash: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      // [start UTC, minutes long, outcome]
      const calls: Array<[string, number, string]> = [
        ['2035-12-06T01:10:00.000Z', 3, 'mfa_reset'], // Thu 10:10 JST
        ['2035-12-06T01:20:00.000Z', 4, 'mfa_reset'], // Thu 10:20 JST
        ['2035-12-06T01:40:00.000Z', 12, 'escalated'], // Thu 10:40 JST
        ['2035-12-06T11:05:00.000Z', 2, 'verification_failed'], // Thu 20:05 JST
        ['2035-12-06T11:30:00.000Z', 1, 'abandoned'], // Thu 20:30 JST
        ['2035-12-06T23:30:00.000Z', 5, 'mfa_reset'], // Fri 08:30 JST: the next local day, though the same UTC date
        ['2035-12-06T02:00:00.000Z', 1, 'callback_requested'], // started, but no charted outcome
      ];
      await db_
        .insertInto('calls')
        .values(
          calls.map(([start, minutes, outcome], i) => ({
            id: `d0000000-0000-4000-8000-00000000000${i}`,
            case_id: 'c0000000-0000-4000-8000-000000000001',
            channel: 'softphone',
            state: 'ended',
            token_hash: null,
            token_expires_at: null,
            started_at: start,
            ended_at: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
            outcome,
            recording_path: null,
            recording_deleted_at: null,
            proves_phone_possession: 0,
            created_at: start,
          })),
        )
        .execute();
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('draws calls per hour against the hours, outcomes per day, containment and handle time from the rows', async () => {
      const b = new InjectBrowser(t.server.app, '192.0.2.40');
      await b.signInWithTotp(operator.email, operator.password, operatorUri, clock.now());
      const res = await b.get('/console/charts?days=7&lang=en');
      expect(res.statusCode).toBe(200);
      const body = res.body;
      // Per local hour (JST): three at 10, two at 20, one at 08, one at 11.
      expect(drawn(body, 'calls-per-hour', '10', 'calls')).toBe(3);
      expect(drawn(body, 'calls-per-hour', '20', 'calls')).toBe(2);
      expect(drawn(body, 'calls-per-hour', '8', 'calls')).toBe(1);
      expect(drawn(body, 'calls-per-hour', '11', 'calls')).toBe(1);
      expect(drawn(body, 'calls-per-hour', '3', 'calls')).toBe(0);
      // Hours of operation shaded: 10:00 is open on a weekday, 03:00 is not.
      expect(/<g data-label="10"><rect class="open"/.test(body)).toBe(true);
      expect(/<g data-label="3"><rect class="open"/.test(body)).toBe(false);
      // Outcomes per local day.
      expect(drawn(body, 'outcomes-per-day', '12-06', 'reset')).toBe(2);
      expect(drawn(body, 'outcomes-per-day', '12-06', 'escalated')).toBe(1);
      expect(drawn(body, 'outcomes-per-day', '12-06', 'failed')).toBe(1);
      expect(drawn(body, 'outcomes-per-day', '12-06', 'abandoned')).toBe(1);
      expect(drawn(body, 'outcomes-per-day', '12-07', 'reset')).toBe(1);
      expect(drawn(body, 'outcomes-per-day', '12-05', 'reset')).toBe(0);
      // Containment: 3 resets of 6 calls with a charted outcome.
      expect(body).toContain('<p data-testid="containment">50.0%</p>');
      // Handle time: 1, 2, 3, 4, 5, 12 minutes (and the 1-minute callback) in their buckets.
      expect(drawn(body, 'handle-time', '0–1m', 'calls')).toBe(0);
      expect(drawn(body, 'handle-time', '1–2m', 'calls')).toBe(2);
      expect(drawn(body, 'handle-time', '3–5m', 'calls')).toBe(2);
      expect(drawn(body, 'handle-time', '10m+', 'calls')).toBe(1);
      // Bars scale to the largest: the 10:00 bar is the full height.
      expect(body).toMatch(
        /<g data-label="10"><rect class="open"[^>]*><\/rect><rect data-key="calls" data-value="3" x="[\d.]+" y="0.0" width="24" height="160.0"/,
      );
    });

    it('speaks Japanese, refuses a bad range and anonymous visitors', async () => {
      const b = new InjectBrowser(t.server.app, '192.0.2.41');
      clock.set(new Date(clock.now().getTime() + 30_000));
      await b.signInWithTotp(operator.email, operator.password, operatorUri, clock.now());
      const ja = await b.get('/console/charts?lang=ja');
      expect(ja.body).toContain('<h1>統計</h1>');
      expect(ja.body).toContain('時間帯別の通話数（JST');
      expect((await b.get('/console/charts?days=400')).statusCode).toBe(400);
      expect((await new InjectBrowser(t.server.app).get('/console/charts')).statusCode).toBe(303);
    });
  });
}
