import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { createMetrics } from '../../src/observability/metrics';
import { startMetricsServer } from '../../src/web/metrics-server';
import { manualClock } from '../e2e/support/clocks';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * Red team round 2 (issue 7, findings 2 and 10): "loopback only" is not a boundary when the server answers
 * any Host. A site the developer visits can rebind its own name to 127.0.0.1 (DNS rebinding) and then read,
 * same-origin, the dev mailbox (codes, "this wasn't me" and softphone links) and /metrics. Loopback-only
 * services answer only Host names that are loopback or the configured public URL's.
 */
/** GET with an explicit Host header (fetch does not let a caller set one). */
function getStatus(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('DNS rebinding: loopback-only services refuse foreign Host names', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ clock: manualClock(new Date('2035-12-01T01:00:00Z')) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each(['/api/v1/dev/mail', '/dev/mail', '/dev/mail/x'])('%s with Host: evil.example is refused', async (url) => {
    const res = await t.server.app.inject({ method: 'GET', url, headers: { host: 'evil.example:3100' } });
    expect(res.statusCode).toBe(421);
    expect(res.body).not.toContain('@');
  });

  it.each(['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'localhost'])('the dev mailbox still answers Host: %s', async (host) => {
    const res = await t.server.app.inject({ method: 'GET', url: '/api/v1/dev/mail', headers: { host } });
    expect(res.statusCode).toBe(200);
  });

  it('the metrics listener without a token answers loopback Host names only', async () => {
    const m = await startMetricsServer({
      metrics: createMetrics(),
      logger: createLogger('silent'),
      port: 0,
      host: '127.0.0.1',
      token: null,
    });
    try {
      expect(await getStatus(m.port, '/metrics', `127.0.0.1:${m.port}`)).toBe(200);
      expect(await getStatus(m.port, '/metrics', `localhost:${m.port}`)).toBe(200);
      expect(await getStatus(m.port, '/metrics', 'evil.example')).toBe(421);
    } finally {
      await m.stop();
    }
  });
});
