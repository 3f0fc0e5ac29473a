import Fastify from 'fastify';
import { requestLang } from '../request-lang';
import websocket from '@fastify/websocket';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Database } from '../../store/schema';
import { createSoftphoneHub } from '../../telephony/softphone/softphone-hub';
import type { SoftphoneLinkTarget, SoftphoneLinks } from '../../telephony/softphone/softphone-links';
import { softphonePlugin } from './softphone';

const GOOD = 'g'.repeat(43);
/** Links whose cases are in the given states (by token); `scheduled` is the default GOOD one. */
const TARGETS: Record<string, SoftphoneLinkTarget> = {
  [GOOD]: { caseId: 'case-1', lang: 'en', caseState: 'scheduled', scheduledAt: '2026-12-01T01:30:00.000Z', outcome: null },
  ['j'.repeat(43)]: { caseId: 'case-2', lang: 'ja', caseState: 'scheduled', scheduledAt: '2026-12-01T01:30:00.000Z', outcome: null },
  ['r'.repeat(43)]: { caseId: 'case-3', lang: 'ja', caseState: 'resolved', scheduledAt: null, outcome: 'mfa_reset' },
  ['c'.repeat(43)]: { caseId: 'case-4', lang: 'en', caseState: 'cancelled', scheduledAt: null, outcome: 'cancelled' },
  ['e'.repeat(43)]: { caseId: 'case-5', lang: 'ja', caseState: 'escalated', scheduledAt: null, outcome: null },
  ['q'.repeat(43)]: { caseId: 'case-6', lang: 'en', caseState: 'requested', scheduledAt: null, outcome: null },
};
const links: SoftphoneLinks = {
  issue: async () => GOOD,
  inspect: async (_db, token) => TARGETS[token] ?? null,
  resolve: async (_db, token) =>
    ['resolved', 'failed', 'cancelled'].includes(TARGETS[token]?.caseState ?? 'x') ? null : (TARGETS[token] ?? null),
};

async function app(opts: { ringsHere?: boolean } = {}) {
  const a = Fastify();
  await a.register(websocket);
  await a.register(requestLang);
  await a.register(
    softphonePlugin({
      db: {} as Kysely<Database>,
      links,
      calls: { findOffered: async () => null, claim: async () => false, endUnanswered: async () => ({ nextCallAt: null }) },
      hub: createSoftphoneHub(),
      startSession: () => undefined,
      caseCheckMs: 50,
      ...opts,
    }),
  );
  await a.listen({ port: 0, host: '127.0.0.1' });
  return a;
}

let open: Awaited<ReturnType<typeof app>> | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

describe('softphone routes', () => {
  it('serves the page for a valid link, without a referrer and uncached', async () => {
    open = await app();
    const res = await open.inject({ method: 'GET', url: `/call/${GOOD}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('lang="en"');
    expect(res.body).toContain('/softphone/assets/softphone.js');
  });

  it('names the booked time in the case language and the business zone, and what to do', async () => {
    open = await app();
    const en = await open.inject({ method: 'GET', url: `/call/${GOOD}` });
    expect(en.body).toContain('Tue 1 Dec 2026 10:30 JST');
    expect(en.body).toContain('Keep this page open');
    const ja = await open.inject({ method: 'GET', url: `/call/${'j'.repeat(43)}` });
    expect(ja.body).toContain('2026年12月1日(火) 10:30');
    expect(ja.body).toContain('このページを開いたまま');
    const review = await open.inject({ method: 'GET', url: `/call/${'q'.repeat(43)}` });
    expect(review.body).toContain('reviewing your request');
    expect(review.body).not.toContain('will ring');
  });

  it('says the phone will ring, with no script, when callbacks dial a phone instead of this page', async () => {
    open = await app({ ringsHere: false });
    const en = await open.inject({ method: 'GET', url: `/call/${GOOD}` });
    expect(en.body).toContain('Tue 1 Dec 2026 10:30 JST');
    expect(en.body).toContain('we will call the phone number on your account');
    expect(en.body).not.toContain('softphone.js');
    const ja = await open.inject({ method: 'GET', url: `/call/${'j'.repeat(43)}` });
    expect(ja.body).toContain('ご登録の電話番号へお電話します');
  });

  it('shows a final page, with no socket, for resolved, cancelled and escalated cases', async () => {
    open = await app();
    const resolved = await open.inject({ method: 'GET', url: `/call/${'r'.repeat(43)}` });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.body).toContain('data-state="final"');
    expect(resolved.body).toContain('多要素認証（MFA）を解除しました');
    expect(resolved.body).toContain('href="/signin?lang=ja"');
    expect(resolved.body).not.toContain('softphone.js');
    const cancelled = await open.inject({ method: 'GET', url: `/call/${'c'.repeat(43)}` });
    expect(cancelled.body).toContain('This request was cancelled.');
    expect(cancelled.body).not.toContain('will ring');
    const escalated = await open.inject({ method: 'GET', url: `/call/${'e'.repeat(43)}` });
    expect(escalated.body).toContain('担当者にお引き継ぎしました');
    expect(escalated.body).not.toContain('softphone.js');
  });

  it('answers an unknown link with a 404 page', async () => {
    open = await app();
    const res = await open.inject({ method: 'GET', url: '/call/not-a-real-token-at-all-0000' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('リンクが無効です');
  });

  it('serves the worklets as JavaScript modules and nothing outside the client folder', async () => {
    open = await app();
    for (const name of ['capture-worklet.js', 'playback-worklet.js', 'softphone.js']) {
      const res = await open.inject({ method: 'GET', url: `/softphone/assets/${name}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    }
    for (const name of ['..%2F..%2Fconfig.ts', 'softphone-page.ts', 'nope.js']) {
      expect((await open.inject({ method: 'GET', url: `/softphone/assets/${name}` })).statusCode).toBe(404);
    }
  });

  it('closes the socket of a bad link with an error, and greets a good one', async () => {
    open = await app();
    const { port } = open.server.address() as { port: number };
    const talk = (token: string) =>
      new Promise<{ messages: string[]; code: number }>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/softphone/ws?token=${token}`);
        const messages: string[] = [];
        ws.on('message', (d) => {
          messages.push(String(d));
          if (token === GOOD) ws.close();
        });
        ws.on('close', (code) => resolve({ messages, code }));
      });
    const bad = await talk('nope');
    expect(bad.code).toBe(4404);
    expect(JSON.parse(bad.messages[0]!)).toMatchObject({ type: 'error', code: 'bad_link' });
    const good = await talk(GOOD);
    expect(JSON.parse(good.messages[0]!)).toMatchObject({ type: 'hello', lang: 'en' });
  });

  it('closes the socket of an ended or escalated case with case_closed (the page reloads into its final page), also when it ends while the page waits', async () => {
    open = await app();
    const { port } = open.server.address() as { port: number };
    const talk = (token: string, whileOpen?: () => void) =>
      new Promise<{ types: string[]; code: number }>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/softphone/ws?token=${token}`);
        const types: string[] = [];
        ws.on('message', (d) => {
          types.push((JSON.parse(String(d)) as { type: string }).type);
          if (types.length === 1) whileOpen?.();
        });
        ws.on('close', (code) => resolve({ types, code }));
      });
    expect(await talk('r'.repeat(43))).toEqual({ types: ['case_closed'], code: 4410 });
    expect(await talk('e'.repeat(43))).toEqual({ types: ['case_closed'], code: 4410 });
    // A waiting page: greeted, then its case is cancelled elsewhere and the next look closes it.
    const waiting = 'w'.repeat(43);
    TARGETS[waiting] = { caseId: 'case-7', lang: 'ja', caseState: 'scheduled', scheduledAt: '2026-12-01T01:30:00.000Z', outcome: null };
    const seen = await talk(waiting, () => {
      TARGETS[waiting] = { ...TARGETS[waiting]!, caseState: 'cancelled', outcome: 'cancelled' };
    });
    expect(seen).toEqual({ types: ['hello', 'case_closed'], code: 4410 });
  });
});
