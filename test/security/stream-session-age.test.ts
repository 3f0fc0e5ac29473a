import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { IdentityService } from '../../src/identity/service';
import { SESSION_COOKIE, createOperatorGate } from '../../src/web/plugins/operator-gate';

/**
 * Kind: a long-lived stream re-checked against fewer rules than a request. /console/live/events,
 * the listen-in socket and the console softphone re-read their session every 5 s (stream-session.ts),
 * but that re-read (currentOperator) skipped the console's absolute limit: a request in the 13th
 * hour after sign-in went back to sign-in (AIZUCHI_CONSOLE_SESSION_MAX_HOURS, NIST SP 800-63B-4
 * §2.2.3), while a feed of every caller's transcript, or a caller's audio, opened in the 12th hour
 * kept flowing as long as the tab stayed open (up to the store's own 12 h TTL, whatever the
 * deployment set lower). The re-read must end the stream where the gate ends the session.
 */
const HOUR = 3_600_000;

function gateAt(clock: { t: number }, signedInAt: number) {
  const session = {
    stage: 'full',
    accountId: 'op-1',
    publicId: 'pub-1',
    createdAt: new Date(signedInAt).toISOString(),
    authAt: new Date(signedInAt).toISOString(),
    lastSeenAt: new Date(clock.t).toISOString(),
  };
  const identity = {
    sessions: {
      read: async () => ({ ...session, lastSeenAt: new Date(clock.t).toISOString() }),
      end: async () => undefined,
      touch: async () => undefined,
    },
    getAccount: async () => ({ id: 'op-1', role: 'operator', mfaEnabled: true }),
  } as unknown as IdentityService;
  return createOperatorGate({ identity, clock: { now: () => new Date(clock.t) }, idleMs: 30 * 60_000, maxAgeMs: 2 * HOUR });
}

const request = { cookies: { [SESSION_COOKIE]: 'a-session-token' } } as unknown as FastifyRequest;

describe('a console stream ends where the session would', () => {
  it('answers the operator within the absolute limit and nobody past it', async () => {
    const signedIn = Date.parse('2026-12-01T00:00:00Z');
    const clock = { t: signedIn + HOUR };
    const gate = gateAt(clock, signedIn);
    expect(await gate.currentOperator(request)).toEqual({ id: 'op-1', role: 'admin' });
    clock.t = signedIn + 2 * HOUR + 60_000;
    expect(await gate.currentOperator(request)).toBeUndefined();
  });
});
