import type { FastifyRequest } from 'fastify';

/**
 * The WebSocket handshake's `Origin` (RFC 6455 §4.1: browsers always send it) names another host:
 * a page elsewhere opening a console socket with the operator's cookie (cross-site WebSocket
 * hijacking). Clients without one are not browsers. Used by every console socket.
 */
export function fromAnotherOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true; // "null" (a sandboxed page) or garbage
  }
}
