import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from '../e2e/support/sse-reader';
import { type TestServer, startTestServer } from '../e2e/text-call-harness';

/**
 * Issue 10 (sessions are revocable): a console page's long-lived streams were authorised once, at
 * the handshake. Signing out (or an admin ending the session, or its expiry) stopped new requests,
 * but an already open /console/live/events kept streaming every caller's transcript, and an open
 * console softphone kept its seat on the OperatorDesk and was still handed live callers with the
 * case summary, for as long as the tab stayed open. Kind: authorisation checked at open, never
 * again, on a stream. Each stream now re-reads the session while it is open and ends when the
 * session (or the role it needs) is gone.
 */
const WAIT_MS = 15_000;

function openSocket(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; messages: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: string[] = [];
    ws.on('message', (data, binary) => {
      if (!binary) messages.push(String(data));
    });
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => ws.once('close', () => resolve()));
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} still open after ${ms} ms`)), ms))]);
}

describe('console streams after the session ends', () => {
  let t: TestServer;

  async function signedInOperator(email: string): Promise<{ token: string; cookie: string }> {
    const { account } = await t.services.identity.createAccount({
      email,
      password: 'operator password',
      name: 'Op',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    const { token } = await t.services.identity.sessions.create(account.id, 'full', new Date());
    return { token, cookie: `aizuchi_session=${token}` };
  }

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('ends the live calls feed of a revoked session, and only that one', async () => {
    const gone = await signedInOperator('revoked-live@example.com');
    const kept = await signedInOperator('kept-live@example.com');
    const revoked = await SseReader.open(`${t.server.url}/console/live/events`, gone.cookie);
    const other = await SseReader.open(`${t.server.url}/console/live/events`, kept.cookie);
    try {
      expect(revoked.status).toBe(200);
      await revoked.waitFor((e) => e.type === 'snapshot');
      await other.waitFor((e) => e.type === 'snapshot');

      await t.services.identity.sessions.end(gone.token);
      await within(revoked.ended, WAIT_MS, 'the revoked session’s live feed');

      // The other operator's feed is untouched and still hears calls.
      t.services.live.publish({ type: 'ended', callId: 'after-revocation', outcome: 'completed' });
      await other.waitFor((e) => e.type === 'ended' && e.callId === 'after-revocation');
      expect(revoked.events.some((e) => e.callId === 'after-revocation')).toBe(false);
    } finally {
      revoked.close();
      other.close();
    }
  });

  it('closes the console softphone of a revoked session and takes its seat off the desk', async () => {
    const gone = await signedInOperator('revoked-phone@example.com');
    const wsUrl = `${t.server.url.replace(/^http/, 'ws')}/console/softphone/ws`;
    const { ws, messages } = await openSocket(wsUrl, { cookie: gone.cookie, origin: t.server.url });
    const code = closed(ws);
    try {
      await within(
        (async () => {
          while (!messages.some((m) => m.includes('"available"'))) await new Promise((r) => setTimeout(r, 20));
        })(),
        WAIT_MS,
        'waiting for available',
      );
      expect(t.services.desk.availableCount()).toBe(1);

      await t.services.identity.sessions.end(gone.token);
      await within(code, WAIT_MS, 'the revoked session’s softphone');
      expect(messages.map((m) => JSON.parse(m) as { type: string; reason?: string })).toContainEqual({
        type: 'ended',
        reason: 'session_ended',
      });
      expect(t.services.desk.availableCount()).toBe(0);
    } finally {
      ws.close();
    }
  });
});
