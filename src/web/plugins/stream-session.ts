import type { FastifyRequest } from 'fastify';
import type { Logger } from '../../observability/logger';

/**
 * Whether the person who opened a stream with `request` may still have it: their session is alive
 * (not signed out, revoked or expired) and still carries the role the stream needs. Reads the store;
 * may throw on a database error.
 */
export type StreamAllowed = (request: FastifyRequest) => Promise<boolean>;

/**
 * How often an open console stream re-reads its session (ms). A revoked session's feed or softphone
 * stays open at most this long: one indexed session read per open stream per period, across
 * processes alike (a sign-out in one process ends streams another process serves).
 */
export const STREAM_RECHECK_MS = 5_000;

/**
 * Re-checks `allowed` every `everyMs` while a stream (SSE, WebSocket) is open and calls `onLost`
 * once when it answers false. Authorisation at the handshake alone would let a stream outlive the
 * session that opened it (issue 10: sessions are revocable). A failed read (database down) keeps
 * the stream and tries again next period rather than cutting every operator at a blip.
 * Returns the stop function; call it when the stream closes.
 */
export function watchStreamSession(opts: {
  request: FastifyRequest;
  allowed: StreamAllowed;
  onLost(): void;
  everyMs?: number;
  logger?: Logger;
}): () => void {
  let stopped = false;
  let checking = false;
  const timer = setInterval(() => {
    if (checking || stopped) return;
    checking = true;
    opts
      .allowed(opts.request)
      .then((ok) => {
        if (ok || stopped) return;
        stop();
        opts.onLost();
      })
      .catch((err: unknown) => opts.logger?.warn({ err: (err as Error)?.name }, 'stream session re-check failed; kept until the next'))
      .finally(() => {
        checking = false;
      });
  }, opts.everyMs ?? STREAM_RECHECK_MS);
  timer.unref();
  function stop() {
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}
