import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../e2e/text-call-harness';

/**
 * Issue 10 (operators are the most valuable accounts): the console softphone socket is opened with
 * the operator's session cookie alone. A WebSocket handshake is not bound by the same-origin policy
 * and has no CSRF token, so any page the operator visits that the browser counts as same-site (a
 * sibling subdomain, an old marketing host) could open it with that cookie, sit on the OperatorDesk
 * as the operator and be handed a live caller with the case summary (cross-site WebSocket hijacking).
 * Kind: a cookie-authenticated upgrade that never asks where the page came from. The handshake
 * is refused (403) when the browser's `Origin` is not this host, before anyone joins the desk.
 */
function open(url: string, headers: Record<string, string>): Promise<{ status: number } | { opened: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ opened: ws }));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    ws.once('error', reject);
  });
}

describe('the operator console softphone opened from another site', () => {
  let t: TestServer;
  let cookie: string;
  let wsUrl: string;

  beforeAll(async () => {
    t = await startTestServer();
    const { account } = await t.services.identity.createAccount({
      email: 'xsite-op@example.com',
      password: 'operator password',
      name: 'Op',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    cookie = `aizuchi_session=${(await t.services.identity.sessions.create(account.id, 'full', new Date())).token}`;
    wsUrl = `${t.server.url.replace(/^http/, 'ws')}/console/softphone/ws`;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each(['https://evil.example', 'null', 'http://127.0.0.1.evil.example'])(
    'refuses Origin %s with 403 and the operator never joins the desk',
    async (origin) => {
      const result = await open(wsUrl, { cookie, origin });
      if ('opened' in result) result.opened.close();
      expect(result).toEqual({ status: 403 });
      expect(t.services.desk.availableCount()).toBe(0);
    },
  );

  it('still opens from the console itself', async () => {
    const result = await open(wsUrl, { cookie, origin: t.server.url });
    expect('opened' in result).toBe(true);
    if ('opened' in result) {
      await new Promise<void>((resolve) => {
        result.opened.once('close', () => resolve());
        result.opened.close();
      });
    }
  });
});
