import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { type RunningServer, type Services, createServices, startServer } from '../../src/main';
import { createLogger } from '../../src/observability/logger';
import { manualClock } from '../e2e/support/clocks';

// Monday 2035-12-03 10:00 JST, inside business hours.
const MONDAY_10_JST = new Date('2035-12-03T01:00:00Z');

/**
 * Issue 7, finding 10: one softphone link accepted 1,000 sockets that all rang, links of ended
 * cases still opened, and unauthenticated clients made the server log error stacks (invalid UTF-8,
 * a 70 KB frame). Attack → expected refusal, with the server's own log as the witness.
 */
describe('softphone links and noisy clients', () => {
  let dataDir: string;
  let services: Services;
  let server: RunningServer;
  let wsBase: string;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-noisy-'));
    const config = loadConfig({
      PORT: '0',
      AIZUCHI_MAIL_CATCHER_PORT: '0',
      AIZUCHI_METRICS_PORT: '0',
      AIZUCHI_DATA_DIR: dataDir,
      AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
    });
    const logger = createLogger('info', { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
    services = await createServices(config, { clock: manualClock(MONDAY_10_JST), logger });
    server = await startServer(services);
    await services.jobs.worker.stop();
    wsBase = server.url.replace('http://', 'ws://');
  });
  afterAll(async () => {
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A real request for a real account; the token comes from the mailed "take the call in your browser" link. */
  async function requestAndLink(tag: string, phone: string): Promise<{ caseId: string; token: string }> {
    const email = `${tag}@example.com`;
    await services.identity.createAccount({ email, password: 'correct horse battery', name: 'Pat Smith', phone, lang: 'en', mfa: true });
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      payload: { email, phone, lang: 'en', consent: true, password: 'correct horse battery' },
    });
    expect(res.statusCode).toBe(202);
    await services.jobs.worker.runDue();
    const mails = (await server.app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${encodeURIComponent(email)}` })).json() as Array<{
      text: string;
    }>;
    const token = /\/call\/([A-Za-z0-9_-]+)/.exec(mails.map((m) => m.text).join('\n'))?.[1];
    expect(token).toBeDefined();
    const [c] = await services.cases.list({ email });
    return { caseId: c!.id, token: token! };
  }

  /** Opens a socket and resolves with its first message (or null) once it has one or has closed. */
  function connect(token: string): Promise<{ ws: WebSocket; first: string | null; closed: Promise<number> }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${wsBase}/api/v1/softphone/ws?token=${token}`);
      const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
      ws.once('message', (d) => resolve({ ws, first: String(d), closed }));
      void closed.then(() => resolve({ ws, first: null, closed }));
    });
  }

  it('a link opened 20 times keeps one live socket: each newer page closes the older with 4409', async () => {
    const { token } = await requestAndLink('many-sockets', '090-8000-0001');
    const sockets = [];
    for (let i = 0; i < 20; i++) {
      const s = await connect(token);
      expect(JSON.parse(s.first!)).toMatchObject({ type: 'hello' });
      sockets.push(s);
    }
    const codes = await Promise.all(sockets.slice(0, -1).map((s) => s.closed));
    expect(new Set(codes)).toEqual(new Set([4409]));
    expect(sockets.at(-1)!.ws.readyState).toBe(WebSocket.OPEN);
    // The server drops a replaced line once the close handshake is done.
    for (let i = 0; i < 50 && services.softphone!.hub.openLines() !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(services.softphone!.hub.openLines()).toBe(1);
    sockets.at(-1)!.ws.close();
    await sockets.at(-1)!.closed;
  });

  // Issue 13 turned the 404 into a final page that says how the case ended (no script, no token,
  // no socket); the socket still gets no line: it is told the case closed and is shut.
  it.each(['cancelled', 'failed'] as const)('the link of a %s case opens only a final page and no line', async (state) => {
    const { caseId, token } = await requestAndLink(`ended-${state}`, state === 'cancelled' ? '090-8000-0002' : '090-8000-0003');
    expect((await server.app.inject({ method: 'GET', url: `/call/${token}` })).body).toContain('softphone.js');
    await services.cases.inTransaction((trx) =>
      services.cases.transition(trx, caseId, state, state === 'cancelled' ? 'cancelled_by_customer' : 'call_failed'),
    );
    const final = await server.app.inject({ method: 'GET', url: `/call/${token}` });
    expect(final.statusCode).toBe(200);
    expect(final.body).toContain('data-state="final"');
    expect(final.body).not.toContain('softphone.js');
    expect(final.body).not.toContain(token);
    const s = await connect(token);
    expect(JSON.parse(s.first!)).toEqual({ type: 'case_closed', caseState: state });
    expect(await s.closed).toBe(4410);
    expect(services.softphone!.hub.openLines()).toBe(0);
  });

  it('a 70 KB frame and invalid UTF-8 end in a clean close with a code and a warn line, never an error stack', async () => {
    const { token } = await requestAndLink('noisy', '090-8000-0004');
    const before = logLines.length;
    const closeAfter = async (send: (ws: WebSocket) => void) => {
      const s = await connect(token);
      expect(JSON.parse(s.first!)).toMatchObject({ type: 'hello' });
      s.ws.on('error', () => {});
      send(s.ws);
      return s.closed;
    };
    expect(await closeAfter((ws) => ws.send(Buffer.alloc(70 * 1024)))).toBe(1009);
    expect(await closeAfter((ws) => ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }))).toBe(1007);
    // The same kinds over plain HTTP: a malformed path, a body that is not UTF-8.
    for (const res of [
      await server.app.inject({ method: 'GET', url: '/call/%FF%FE' }),
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        headers: { 'content-type': 'application/json' },
        payload: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      }),
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        headers: { 'content-type': 'application/json' },
        payload: Buffer.alloc(70 * 1024, 0x20),
      }),
    ]) {
      expect(res.statusCode).toBeLessThan(500);
    }
    // Below HTTP: bytes that are no request at all, and a header block far over Node's limit.
    const port = new URL(server.url).port;
    for (const raw of ['GARBAGE \u00ff\r\n\r\n', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`]) {
      await new Promise<void>((resolve) => {
        const sock = net.connect(Number(port), '127.0.0.1', () => sock.end(raw));
        sock.on('error', () => resolve());
        sock.on('close', () => resolve());
        sock.resume();
      });
    }
    await new Promise((r) => setTimeout(r, 100));
    const lines = logLines.slice(before);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
    expect(lines.filter((l) => l.msg === 'websocket closed on a client error').map((l) => l.level)).toEqual([40, 40]);
  });
});
