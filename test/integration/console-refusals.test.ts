import WebSocket from 'ws';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefusalKind } from '../../src/domain/refusal';
import { manualClock } from '../e2e/support/clocks';
import { ConsolePeople, openRecoveryCase } from '../e2e/support/console-people';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

const START = new Date('2035-12-03T01:00:00Z'); // Monday 10:00 JST
const LANGS = ['ja', 'en'] as const;

/** What each refusal page says, in each language (a sentence of it: the page in the operator's language). */
const SAYS: Record<'ja' | 'en', Partial<Record<RefusalKind, string>>> = {
  ja: {
    stale_form: 'フォームの有効期限が切れたか、このサイトからの送信ではありません。何も変更していません。',
    needs_role: 'この操作にはオペレーターまたは管理者の権限が必要です。何も変更していません。',
    operators_need_mfa: '多要素認証（MFA）を設定しないとコンソールを使えません。何も表示していません。',
    not_found: 'このケースはありません。何も表示していません。',
    not_from_console: 'この接続は、このサイトのコンソールのページからのみ開けます。何も開いていません。',
  },
  en: {
    stale_form: 'The form was stale or not from this site. Nothing was changed.',
    needs_role: 'This needs the operator role (or admin); your account does not have it. Nothing was changed.',
    operators_need_mfa: 'without multi-factor authentication (MFA). Nothing was shown.',
    not_found: 'There is no such case. Nothing was shown.',
    not_from_console: 'This connection opens only from a page of this console. Nothing was opened.',
  },
};

/** The refusal page's kind, language and way back, asserted together. */
function expectRefusalPage(res: LightMyRequestResponse, kind: RefusalKind, lang: 'ja' | 'en', status: number, says = SAYS[lang][kind]) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toContain(`<html lang="${lang}">`);
  expect(res.body).toContain(`data-refusal="${kind}"`);
  if (says) expect(res.body).toContain(says);
  expect(res.body).toMatch(new RegExp(`data-testid="refusal-back"|href="[^"]*lang=${lang}"`));
}

/**
 * Issue 10: every console refusal is one page in the operator's language (ja/en) with a way back
 * keeping ?lang, saying nothing was changed / shown / opened, or `{error: kind, message}` for a
 * client asking for JSON; the status codes are the ones the routes answered before (403, 404).
 */
describe('console refusals in Japanese and English', () => {
  const clock = manualClock(START);
  let t: TestServer;
  let people: ConsolePeople;
  let caseId: string;
  const customer = { email: 'refusal-customer@example.com', phone: '090-3141-5926' };
  const leaks = (body: string) => body.includes(customer.email) || /3141-?5926/.test(body);

  beforeAll(async () => {
    t = await startTestServer({ clock });
    people = await new ConsolePeople(t, clock, { tag: 'refusals', firstAddress: 60 }).add([
      ['otto', 'operator'],
      ['vera', 'viewer'],
    ]);
    ({ caseId } = await openRecoveryCase(t, { ...customer, name: 'Pat', lang: 'ja' }, { remoteAddress: '198.51.100.61', lang: 'ja' }));
  });
  afterAll(async () => {
    await t?.stop();
  });

  for (const lang of LANGS) {
    it(`stale_form (${lang}): a forged form is 403 with a way back to the console, and nothing is stored`, async () => {
      const otto = await people.signIn('otto');
      const res = await otto.post(`/console/preferences?lang=${lang}`, { lang: 'en', _csrf: 'f'.repeat(64) });
      expectRefusalPage(res, 'stale_form', lang, 403);
      expect(res.body).toContain(`href="/console?lang=${lang}" data-testid="refusal-back"`);
    });

    it(`needs_role (${lang}): a viewer's forged cancel is 403, names the role, links back to the case, shows nothing of it`, async () => {
      const vera = await people.signIn('vera');
      const res = await vera.submit(`/console?lang=${lang}`, `/console/cases/${caseId}/cancel?lang=${lang}`, { reason: 'x' });
      expectRefusalPage(res, 'needs_role', lang, 403);
      expect(res.body).toContain(`href="/console/cases/${caseId}?lang=${lang}" data-testid="refusal-back"`);
      expect(leaks(res.body)).toBe(false);
      expect((await t.services.cases.require(caseId)).state).not.toBe('cancelled');
    });

    it(`needs_role (${lang}): a customer's session gets no console, and the page does not name the case`, async () => {
      const b = new InjectBrowser(t.server.app, '192.0.2.90');
      expect((await b.signIn(customer.email, 'correct horse battery')).statusCode).toBe(303);
      const res = await b.get(`/console/cases/${caseId}?lang=${lang}`);
      const noRole = {
        ja: 'このページはコンソールのアカウント（閲覧者・オペレーター・管理者）専用です。',
        en: 'This page is for console accounts (viewer, operator or admin) only.',
      };
      expectRefusalPage(res, 'needs_role', lang, 403, noRole[lang]);
      expect(res.body).not.toContain(caseId);
      expect(leaks(res.body)).toBe(false);
    });

    it(`operators_need_mfa (${lang}): an operator session without MFA is 403 with a link to add an authenticator`, async () => {
      const { account } = await t.services.identity.createAccount({
        email: `nomfa-${lang}@example.com`,
        password: 'operator password',
        name: 'No MFA',
        phone: '03-1234-5678',
        role: 'operator',
      });
      const b = new InjectBrowser(t.server.app, '192.0.2.91');
      b.useSession((await t.services.identity.sessions.create(account.id, 'full', clock.now())).token);
      const res = await b.get(`/console?lang=${lang}`);
      expectRefusalPage(res, 'operators_need_mfa', lang, 403);
      expect(res.body).toContain(`href="/account/mfa?lang=${lang}"`);
    });

    it(`not_found (${lang}): an unknown case and an unknown recording are 404 pages, not a bare line`, async () => {
      const otto = await people.signIn('otto');
      const res = await otto.get(`/console/cases/00000000-0000-4000-8000-000000000000?lang=${lang}`);
      expectRefusalPage(res, 'not_found', lang, 404);
      const recording = await otto.get(`/console/calls/no-such-call/recording.wav?lang=${lang}`);
      const noRecording = {
        ja: 'この通話の録音はありません。何も表示していません。',
        en: 'There is no such recording of this call. Nothing was shown.',
      };
      expectRefusalPage(recording, 'not_found', lang, 404, noRecording[lang]);
    });

    it(`not_from_console (${lang}): a listen-in handshake from another site is refused with the page before the upgrade`, async () => {
      const session = await t.services.identity.sessions.create(people.get('otto').id, 'full', clock.now());
      const cookie = `aizuchi_session=${session.token}`;
      const url = `${t.server.url.replace(/^http/, 'ws')}/console/live/listen?callId=c1&csrf=x&lang=${lang}`;
      const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const ws = new WebSocket(url, { headers: { cookie, origin: 'https://evil.example' } });
        ws.once('open', () => reject(new Error('opened from another site')));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
        });
        ws.once('error', reject);
      });
      expect(answer.status).toBe(403);
      expect(answer.type).toMatch(/^text\/html/);
      expect(answer.body).toContain(`<html lang="${lang}">`);
      expect(answer.body).toContain('data-refusal="not_from_console"');
      expect(answer.body).toContain(SAYS[lang].not_from_console);
      // The handshake's token (csrf=…) is not written back into the page.
      expect(answer.body).not.toContain('csrf=x');
    });
  }

  it('answers a client that asks for JSON with {error: kind, message} in the request language, same status', async () => {
    const vera = await people.signIn('vera');
    const role = await vera.submit('/console?lang=en', `/console/cases/${caseId}/cancel?lang=en`, {}, { accept: 'application/json' });
    expect(role.statusCode).toBe(403);
    expect(role.headers['content-type']).toMatch(/^application\/json/);
    expect(role.json()).toEqual({ error: 'needs_role', message: SAYS.en.needs_role });
    const otto = await people.signIn('otto');
    const missing = await otto.get('/console/cases/00000000-0000-4000-8000-000000000000?lang=ja', { accept: 'application/json' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'not_found', message: SAYS.ja.not_found });
    const stale = await otto.post('/console/preferences?lang=ja', { lang: 'en', _csrf: 'forged' }, { accept: 'application/json' });
    expect(stale.statusCode).toBe(403);
    expect(stale.json()).toMatchObject({ error: 'stale_form' });
    // A browser's Accept (text/html first) still gets the page.
    const page = await otto.get('/console/cases/00000000-0000-4000-8000-000000000000?lang=en', {
      accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
    });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });
});
