import Fastify from 'fastify';
import { requestLang } from '../request-lang';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { describe, expect, it } from 'vitest';
import type { RecoveryRequestService, RecoveryResult } from '../../cases/recovery-request';
import { html } from '../../html/safe-html';
import type { Csrf } from '../pages/identity/csrf';
import { recoveryPlugin } from './recovery';

/** The callback form asks honestly and answers in its own language (issue 13). */
async function app(result: RecoveryResult, linkKnown = false) {
  const recovery = { submit: async () => result } as unknown as RecoveryRequestService;
  const undo = linkKnown
    ? { preview: async () => 'known' as const, disown: async () => 'cancelled' as const }
    : { preview: async () => 'unknown' as const, disown: async () => 'unknown' as const };
  const csrf = { verify: () => true, field: () => html`<input type="hidden" name="_csrf" value="t">` } as unknown as Csrf;
  const instance = Fastify();
  await instance.register(formbody);
  await instance.register(requestLang);
  await instance.register(cookie);
  await instance.register(recoveryPlugin({ recovery, undo, passwordEvidence: async () => null, csrf }));
  return instance;
}

const post = (instance: Awaited<ReturnType<typeof app>>, fields: Record<string, string>) =>
  instance.inject({
    method: 'POST',
    url: '/recover',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

const checkbox = (body: string, name: string) => new RegExp(`<input type="checkbox" name="${name}"[^>]*>`).exec(body)?.[0] ?? '';

describe('the /recover form', () => {
  it('starts with neither consent ticked, and links to itself in the other language', async () => {
    const instance = await app({ kind: 'accepted' });
    const ja = await instance.inject({ method: 'GET', url: '/recover?lang=ja' });
    expect(checkbox(ja.body, 'consent')).not.toContain('checked');
    expect(checkbox(ja.body, 'recordingConsent')).not.toContain('checked');
    expect(ja.body).toContain(
      '<a class="lang-switch" data-testid="lang-switch" href="/recover?lang=en" hreflang="en" lang="en">English</a>',
    );
    const en = await instance.inject({ method: 'GET', url: '/recover?lang=en' });
    expect(en.body).toContain('href="/recover?lang=ja" hreflang="ja" lang="ja">日本語</a>');
    expect(en.body).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    await instance.close();
  });

  it('without a signed-in password it says a person finishes the reset and links to sign-in, in both languages', async () => {
    const instance = await app({ kind: 'accepted' });
    const en = await instance.inject({ method: 'GET', url: '/recover?lang=en' });
    expect(en.body).toContain('a person will have to remove MFA');
    expect(en.body).toContain('<a href="/signin?lang=en">Sign in</a>');
    const ja = await instance.inject({ method: 'GET', url: '/recover?lang=ja' });
    expect(ja.body).toContain('MFAの解除は担当者が行います');
    expect(ja.body).toContain('<a href="/signin?lang=ja">サインインする</a>');
    await instance.close();
  });

  it('the "this wasn\'t me" pages are titled for someone who did not ask, not with the request form\'s title', async () => {
    const instance = await app({ kind: 'accepted' }, true);
    const token = 'a'.repeat(43);
    const ja = await instance.inject({ method: 'GET', url: `/recover/cancel?token=${token}&lang=ja` });
    expect(ja.body).toContain('<h1>MFAリセットに心当たりがない場合</h1>');
    expect(ja.body).not.toContain('使用できない場合');
    const en = await instance.inject({
      method: 'POST',
      url: '/recover/cancel',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${token}&lang=en`,
    });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<h1>Didn&#39;t ask for an MFA reset?</h1>');
    expect(en.body).not.toContain('use your MFA device');
    await instance.close();
  });

  it('the "request sent" page links to GET /recover/sent, which says the same in the other language', async () => {
    const instance = await app({ kind: 'accepted' });
    const sent = await post(instance, { email: 'pat@example.com', phone: '090-1234-5678', lang: 'ja', consent: 'yes' });
    expect(sent.statusCode).toBe(202);
    expect(sent.body).toContain('ご依頼を受け付けました');
    expect(sent.body).toContain('data-testid="lang-switch" href="/recover/sent?lang=en"');
    const en = await instance.inject({ method: 'GET', url: '/recover/sent?lang=en' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('We have sent the time of the call');
    expect(en.body).toContain('data-testid="lang-switch" href="/recover/sent?lang=ja"');
    const ja = await instance.inject({ method: 'GET', url: '/recover/sent?lang=ja' });
    expect(ja.body).toContain('ご依頼を受け付けました');
    await instance.close();
  });

  it('"too many requests" links to the form in the other language', async () => {
    const instance = await app({ kind: 'rate_limited', retryAfterSec: 60 } as RecoveryResult);
    const res = await post(instance, { email: 'pat@example.com', phone: '090-1234-5678', lang: 'en', consent: 'yes' });
    expect(res.statusCode).toBe(429);
    expect(res.body).toContain('data-testid="lang-switch" href="/recover?lang=ja"');
    await instance.close();
  });

  it('a refused Japanese post answers in Japanese and keeps what was typed and ticked', async () => {
    const instance = await app({
      kind: 'invalid',
      message: 'phone must be a valid phone number, e.g. 090-1234-5678 or +81 90 1234 5678',
      field: 'phone',
    });
    const res = await post(instance, { email: 'pat@example.com', phone: 'call me', lang: 'ja', consent: 'yes', recordingConsent: 'yes' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(
      '<p class="error" role="alert">電話番号の形式が正しくありません（例: 090-1234-5678、+81 90 1234 5678）。</p>',
    );
    expect(res.body).not.toContain('phone must be');
    expect(res.body).toContain('value="pat@example.com"');
    expect(res.body).toContain('value="call me"');
    expect(checkbox(res.body, 'consent')).toContain('checked');
    expect(checkbox(res.body, 'recordingConsent')).toContain('checked');
    await instance.close();
  });

  it('a refused English post without consent says so in English and leaves the unticked boxes unticked', async () => {
    const instance = await app({ kind: 'invalid', message: 'consent must be true', field: 'consent' });
    const res = await post(instance, { email: 'pat@example.com', phone: '090-1234-5678', lang: 'en' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please tick the box to agree to an automated AI voice callback');
    expect(checkbox(res.body, 'consent')).not.toContain('checked');
    expect(checkbox(res.body, 'recordingConsent')).not.toContain('checked');
    expect(res.body).toContain('<html lang="en">');
    await instance.close();
  });
});
