import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { MetricsServerError, startMetricsServer } from '../../src/web/metrics-server';
import { manualClock } from '../e2e/support/clocks';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

// Saturday 2035-12-01 10:00 JST: every request books Monday 09:00, so no callback is due during the test.
const SATURDAY_10_JST = new Date('2035-12-01T01:00:00Z');
const TOKEN = 'metrics-token-0123456789abcdef';

/**
 * Attack: tell whether an account exists (or whether a number is the one on record) from what the
 * server counts. Issue 7, finding 2: `aizuchi_mail_sent_total{template="recovery-requested"}` rose
 * only for real accounts, on a public `/metrics`.
 */
describe('oracles: metrics and follow-on work say nothing about accounts', () => {
  let t: TestServer;
  let seq = 0;
  const nextIp = () => `203.0.113.${++seq}`;

  beforeAll(async () => {
    t = await startTestServer({
      clock: manualClock(SATURDAY_10_JST),
      env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0', AIZUCHI_METRICS_TOKEN: TOKEN },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const scrape = (auth?: string) => fetch(t.server.metricsUrl, auth ? { headers: { authorization: auth } } : {});

  /** Our own series (not the process's heap and CPU), as `name{labels}` → value. */
  async function series(): Promise<Map<string, number>> {
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    const out = new Map<string, number>();
    for (const line of (await res.text()).split('\n')) {
      const m = /^(aizuchi_\S+) (\S+)$/.exec(line);
      if (m) out.set(m[1]!, Number(m[2]));
    }
    return out;
  }

  async function jobCounts(): Promise<Map<string, number>> {
    const rows = await t.services.store.db.selectFrom('jobs').select(['kind', 'state']).execute();
    const out = new Map<string, number>();
    for (const r of rows) out.set(`${r.kind}/${r.state}`, (out.get(`${r.kind}/${r.state}`) ?? 0) + 1);
    return out;
  }

  function delta(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
    const d: Record<string, number> = {};
    for (const [k, v] of after) if (v - (before.get(k) ?? 0) !== 0) d[k] = v - (before.get(k) ?? 0);
    return d;
  }

  /** N requests of one kind, the mail worker run, and what changed in /metrics and the job table. */
  async function observe(body: (i: number) => Record<string, unknown>, n = 3) {
    const [m0, j0] = [await series(), await jobCounts()];
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        remoteAddress: nextIp(),
        payload: { lang: 'en', consent: true, ...body(i) },
      });
      statuses.push(res.statusCode);
    }
    await t.services.jobs.worker.runDue();
    return { statuses, metrics: delta(m0, await series()), jobs: delta(j0, await jobCounts()) };
  }

  it('the public listener has no /metrics; the metrics listener is loopback and wants the token', async () => {
    const pub = await t.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(pub.statusCode).toBe(404);
    expect(pub.body).not.toContain('aizuchi_');
    expect(new URL(t.server.metricsUrl).hostname).toBe('127.0.0.1');
    for (const auth of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await scrape(auth);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('aizuchi_');
    }
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('N requests for real accounts and N for unknown ones change /metrics and the job table identically', async () => {
    const emails = [0, 1, 2].map((i) => `oracle-real-${i}@example.com`);
    for (const [i, email] of emails.entries()) {
      await t.services.identity.createAccount({
        email,
        password: 'correct horse battery',
        name: 'Pat Smith',
        phone: `090-4444-000${i}`,
        lang: 'en',
        mfa: true,
      });
    }
    const realRightPhone = await observe((i) => ({ email: emails[i], phone: `090-4444-000${i}`, password: 'correct horse battery' }));
    const realOtherPhone = await observe((i) => ({ email: emails[i], phone: `090-5555-000${i}` }));
    const unknown = await observe((i) => ({
      email: `oracle-nobody-${i}@example.com`,
      phone: `090-4444-000${i}`,
      password: 'correct horse battery',
    }));

    // Something was counted (the comparison is not between two empty sets) …
    expect(realRightPhone.statuses).toEqual([202, 202, 202]);
    expect(realRightPhone.metrics).toMatchObject({ 'aizuchi_mail_sent_total{template="recovery-requested"}': 3 });
    expect(realRightPhone.jobs).toEqual({ 'mail.send/done': 3, 'callback.start/queued': 3 });
    // … and the same was counted whatever the account and number.
    expect(realOtherPhone).toEqual(realRightPhone);
    expect(unknown).toEqual(realRightPhone);
  });

  it('refusals piling up on a real account and on an unknown address look the same (the owner warning has a twin)', async () => {
    const email = 'oracle-hammered@example.com';
    await t.services.identity.createAccount({
      email,
      password: 'correct horse battery',
      name: 'Pat Smith',
      phone: '090-4444-0100',
      lang: 'en',
      mfa: true,
    });
    // Three a day per address are let through, then refused; the refusals warn the address once.
    const real = await observe((i) => ({ email, phone: `080-6000-010${i}` }), 6);
    const unknown = await observe((i) => ({ email: 'oracle-hammered-nobody@example.com', phone: `080-6000-020${i}` }), 6);
    expect(real.statuses).toEqual([202, 202, 202, 429, 429, 429]);
    expect(real.metrics).toMatchObject({ 'aizuchi_mail_sent_total{template="recovery-hammered"}': 1 });
    expect(unknown).toEqual(real);
  });

  it('HOST does not move the metrics listener; off loopback it refuses to start without a token', async () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).metrics).toEqual({ port: 9464, host: '127.0.0.1', token: null });
    const start = (host: string, token: string | null) =>
      startMetricsServer({ metrics: createMetrics(), logger: createLogger('silent'), port: 0, host, token });
    await expect(start('0.0.0.0', null)).rejects.toBeInstanceOf(MetricsServerError);
    const guarded = await start('0.0.0.0', TOKEN);
    try {
      expect((await fetch(`http://127.0.0.1:${guarded.port}/metrics`)).status).toBe(401);
    } finally {
      await guarded.stop();
    }
  });
});
