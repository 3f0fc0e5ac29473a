import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, createCatcherSender, createMailCatcher } from '../../mail/mail-catcher';
import type { MailSender } from '../../mail/sender';
import { type TestStore, openSqliteTestStore } from '../../mail/testing/test-store';
import { createLogger } from '../../observability/logger';
import { createMetrics } from '../../observability/metrics';
import { buildApp } from '../app';
import { mailCatcherPlugin } from './mail-catcher';

let ts: TestStore;
let catcher: MailCatcher;
let sender: MailSender;
let app: FastifyInstance;

beforeAll(async () => {
  ts = await openSqliteTestStore();
  let t = Date.parse('2026-11-30T00:00:00Z');
  const logger = createLogger('silent');
  catcher = createMailCatcher({ store: ts.store, port: 0, logger, clock: { now: () => new Date((t += 60_000)) } });
  await catcher.start();
  sender = createCatcherSender({ catcher, from: 'aizuchi <no-reply@aizuchi.localhost>' });
  app = await buildApp({ logger, metrics: createMetrics(), plugins: [mailCatcherPlugin({ store: ts.store })] });

  await sender.send({ to: 'Hanako@Example.jp', subject: 'first', text: 'one', messageId: '<w1@x>' });
  await sender.send({
    to: 'hanako@example.jp',
    subject: '<b>確認コード</b>',
    text: 'コード: 12675693\n<script>alert(1)</script>\n心当たりがない場合: https://aizuchi.example/r/cancel?t=abc&x=1\n',
    messageId: '<w2@x>',
  });
  await sender.send({ to: 'other@example.com', subject: 'third', text: 'three', messageId: '<w3@x>' });
});

afterAll(async () => {
  await app?.close();
  await catcher?.stop();
  await ts?.dispose();
});

describe('GET /api/v1/dev/mail', () => {
  it('returns the mail for one address, case-insensitively, newest first', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/dev/mail?to=HANAKO%40example.JP' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Array<{ to: string; subject: string; text: string; receivedAt: string }>;
    expect(body.map((m) => m.subject)).toEqual(['<b>確認コード</b>', 'first']);
    expect(body[0]?.text).toMatch(/コード: 12675693/);
    expect(body[0]?.receivedAt).toMatch(/^2026-11-30T00:0\d:00\.000Z$/);
    expect(body[0]?.to.toLowerCase()).toBe('hanako@example.jp');
  });

  it('returns everything, newest first, without a filter', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/dev/mail' });
    expect((res.json() as Array<{ subject: string }>).map((m) => m.subject)).toEqual(['third', '<b>確認コード</b>', 'first']);
  });

  it('returns an empty list for an address with no mail', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/dev/mail?to=nobody@example.com' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([]);
  });

  it.each(['', 'not-an-address', 'a@b@c', 'x%20y@example.com', 'a@example.com&to=b@example.com'])(
    'rejects to=%s with a 400 JSON error',
    async (value) => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${value}` });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_request', field: 'to' });
    },
  );
});

describe('inbox pages', () => {
  it('lists every message newest first with subject, recipient and time, escaped', async () => {
    const res = await app.inject({ method: 'GET', url: '/dev/mail' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const page = res.body;
    expect(page).toContain('&lt;b&gt;確認コード&lt;/b&gt;');
    expect(page).not.toContain('<b>確認コード</b>');
    expect(page.indexOf('third')).toBeLessThan(page.indexOf('first'));
    expect(page).toContain('other@example.com');
    // Arrival times in the business zone with the zone named (00:0x UTC is 09:0x JST), never UTC.
    expect(page).toMatch(/2026-11-30 09:0\d:00 JST/);
    expect(page).not.toContain('UTC');
  });

  it('shows one message with its text escaped and its link clickable', async () => {
    const list = (await app.inject({ method: 'GET', url: '/api/v1/dev/mail?to=hanako@example.jp' })).json() as Array<{ id: string }>;
    const res = await app.inject({ method: 'GET', url: `/dev/mail/${list[0]!.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('コード: 12675693');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('<a href="https://aizuchi.example/r/cancel?t=abc&amp;x=1" rel="noreferrer">');
  });

  it('speaks Japanese on ?lang=ja, English otherwise, and links to the other language; the favicon is served', async () => {
    const en = await app.inject({ method: 'GET', url: '/dev/mail' });
    expect(en.body).toContain('<h1>Mail catcher inbox</h1>');
    expect(en.body).toContain('href="/dev/mail?lang=ja" hreflang="ja" lang="ja">日本語</a>');
    const ja = await app.inject({ method: 'GET', url: '/dev/mail?lang=ja' });
    expect(ja.body).toContain('<html lang="ja">');
    expect(ja.body).toContain('<h1>メールキャッチャーの受信箱</h1>');
    expect(ja.body).toContain('<th>件名</th>');
    expect(ja.body).toContain('href="/dev/mail?lang=en" hreflang="en" lang="en">English</a>');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('answers an unknown message with 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/dev/mail/does-not-exist' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('No such message');
  });
});
