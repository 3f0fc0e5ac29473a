import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { SsoSession } from '../../identity/operator-sso/sso-sessions';
import { consoleAccess } from './operator-sso';

const NOW = new Date('2035-12-03T01:00:00Z');
const MIN = 60_000;

/**
 * The console gate with an SSO session `startedMinAgo` / `seenMinAgo` old, 30 min idle and 12 h absolute
 * limits (NIST SP 800-63B-4 AAL2); the local gate stand-in answers 303 to /signin as identity.ts does.
 */
async function gateWith(startedMinAgo: number, seenMinAgo: number) {
  const ended: string[] = [];
  const session: SsoSession = {
    issuer: 'https://idp.example',
    subject: 'sub-1',
    email: null,
    name: null,
    role: 'operator',
    expiresAt: new Date(NOW.getTime() + 60 * MIN),
    publicId: 'sso-1',
    // The provider's own sign-in may be older than the console session: the limit counts from the latter.
    authAt: new Date(NOW.getTime() - 48 * 60 * MIN),
    lastSeenAt: new Date(NOW.getTime() - seenMinAgo * MIN),
    createdAt: new Date(NOW.getTime() - startedMinAgo * MIN),
    userAgent: null,
  };
  const { requireOperator } = consoleAccess({
    requireLocalOperator: async (_req, reply) => reply.redirect('/signin', 303),
    sso: {
      session: async () => (ended.length ? null : session),
      touch: async () => {},
      signOut: async () => {
        ended.push(session.publicId);
      },
    },
    clock: { now: () => NOW },
    idleMs: 30 * MIN,
    maxAgeMs: 12 * 60 * MIN,
  });
  const app = Fastify();
  app.decorateRequest('operator', null);
  app.get('/console', { preHandler: requireOperator }, async (req) => (req.operator as { id: string }).id);
  await app.ready();
  return { app, ended };
}

describe('consoleAccess limits on SSO sessions', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => app?.close());

  it('lets a session through within 30 minutes idle and 12 hours of its start', async () => {
    const gate = await gateWith(12 * 60 - 1, 29);
    app = gate.app;
    expect((await app.inject('/console')).body).toBe('oidc:sub-1');
    expect(gate.ended).toEqual([]);
  });

  it('ends a session idle over 30 minutes', async () => {
    const gate = await gateWith(60, 31);
    app = gate.app;
    const res = await app.inject('/console');
    expect([res.statusCode, res.headers.location]).toEqual([303, '/signin']);
    expect(gate.ended).toEqual(['sso-1']);
  });

  it('ends a busy session 12 hours after it started', async () => {
    const gate = await gateWith(12 * 60 + 1, 0);
    app = gate.app;
    const res = await app.inject('/console');
    expect([res.statusCode, res.headers.location]).toEqual([303, '/signin']);
    expect(gate.ended).toEqual(['sso-1']);
  });
});
