import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../domain/clock';
import type { HandoffVerifier } from '../../identity/handoff/handoff-verifier';
import { hmacHex } from '../../security/keys';

/** The recovery form's memory of a hand-off, between `GET /recover?handoff=` and the form's POST. */
export const HANDOFF_COOKIE = 'aizuchi_handoff';
/** How long the customer has to send the form after arriving from the sign-in page (ms). */
export const HANDOFF_BINDING_TTL_MS = 30 * 60_000;

/** What a redeemed hand-off left in this browser: the account it names, or why it was refused. */
export type HandoffBinding = { kind: 'verified'; subject: string; email: string } | { kind: 'refused'; reason: string };

export interface HandoffBinder {
  /**
   * Verifies the token (spending its `jti`) and remembers the outcome in a signed HttpOnly cookie
   * for HANDOFF_BINDING_TTL_MS, so the form can be filled in at leisure while the token itself is
   * used once, at once. Returns the outcome (for the log; never shown to the visitor).
   */
  redeem(request: FastifyRequest, reply: FastifyReply, token: string): Promise<HandoffBinding>;
  /** The binding in this browser's cookie, if its signature holds and it has not expired. */
  read(request: FastifyRequest): HandoffBinding | null;
  /** Forgets the binding (after the request it served was accepted). */
  clear(reply: FastifyReply): void;
}

interface Stored {
  s?: string;
  e?: string;
  r?: string;
  /** Expiry, epoch ms. */
  x: number;
}

/**
 * Hand-off bindings in a cookie signed with HMAC-SHA256 under `key` (keys.tokenHmac, in its own
 * `handoff:` domain so no other signed value can pass for one). Path `/recover` and SameSite=Lax:
 * the redirect from the company's sign-in page is a top-level navigation, so the cookie set on it
 * comes back with the form's same-site POST and nowhere else.
 */
export function createHandoffBinder(deps: { verifier: HandoffVerifier; key: Buffer; clock: Clock; secure: boolean }): HandoffBinder {
  const sign = (body: string) => hmacHex(deps.key, `handoff:${body}`);

  function write(reply: FastifyReply, binding: HandoffBinding): void {
    const stored: Stored =
      binding.kind === 'verified'
        ? { s: binding.subject, e: binding.email, x: deps.clock.now().getTime() + HANDOFF_BINDING_TTL_MS }
        : { r: binding.reason, x: deps.clock.now().getTime() + HANDOFF_BINDING_TTL_MS };
    const body = Buffer.from(JSON.stringify(stored)).toString('base64url');
    reply.setCookie(HANDOFF_COOKIE, `${body}.${sign(body)}`, {
      path: '/recover',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secure,
      maxAge: HANDOFF_BINDING_TTL_MS / 1000,
    });
  }

  return {
    async redeem(request, reply, token) {
      const result = await deps.verifier.verify(token);
      const binding: HandoffBinding = result.ok
        ? { kind: 'verified', subject: result.handoff.subject, email: result.handoff.email }
        : { kind: 'refused', reason: result.reason };
      write(reply, binding);
      return binding;
    },
    read(request) {
      const raw = request.cookies[HANDOFF_COOKIE];
      if (typeof raw !== 'string' || raw.length > 2048) return null;
      const [body, mac] = raw.split('.');
      if (!body || !mac) return null;
      const expected = Buffer.from(sign(body));
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
      let stored: Stored;
      try {
        stored = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Stored;
      } catch {
        return null;
      }
      if (typeof stored.x !== 'number' || stored.x <= deps.clock.now().getTime()) return null;
      if (typeof stored.s === 'string' && typeof stored.e === 'string') return { kind: 'verified', subject: stored.s, email: stored.e };
      if (typeof stored.r === 'string') return { kind: 'refused', reason: stored.r };
      return null;
    },
    clear(reply) {
      reply.clearCookie(HANDOFF_COOKIE, { path: '/recover' });
    },
  };
}
