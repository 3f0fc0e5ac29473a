import Fastify from 'fastify';
import websocket from '@fastify/websocket';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Database } from '../../store/schema';
import { createSoftphoneHub } from '../../telephony/softphone/softphone-hub';
import type { SoftphoneLinks } from '../../telephony/softphone/softphone-links';
import { softphonePlugin } from './softphone';

const GOOD = 'g'.repeat(43);
const links: SoftphoneLinks = {
  issue: async () => GOOD,
  resolve: async (_db, token) => (token === GOOD ? { caseId: 'case-1', lang: 'en', caseState: 'scheduled' } : null),
};

async function app() {
  const a = Fastify();
  await a.register(websocket);
  await a.register(
    softphonePlugin({
      db: {} as Kysely<Database>,
      links,
      calls: { findOffered: async () => null, claim: async () => false, endUnanswered: async () => undefined },
      hub: createSoftphoneHub(),
      startSession: () => undefined,
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
});
