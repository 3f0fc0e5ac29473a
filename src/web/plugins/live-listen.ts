import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { WebSocket } from 'ws';
import type { TakeOverResult } from '../../calls/call-service';
import type { CallTaps, TapEndReason } from '../../calls/live/call-tap';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import { Refusal } from '../../domain/refusal';
import type { Logger } from '../../observability/logger';
import type { Csrf } from '../pages/identity/csrf';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { buttonForm, langQuery } from '../route-schemas';
import { fromAnotherOrigin } from './same-origin';
import { STREAM_RECHECK_MS, watchStreamSession } from './stream-session';

/** The case events listening writes (the case's audit chain): ids only, never the customer's address or a code. */
export type ListenAuditKind = 'call_listen_started' | 'call_listen_stopped';

/** A call as the listen socket needs it: its case, whether it is in progress, and whether this process runs it. */
export interface ListenedCall {
  caseId: string;
  active: boolean;
  /** calls.owner_id is this process (its voice bridge, and so its audio, is here). */
  here: boolean;
}

export interface LiveListenPluginDeps {
  taps: Pick<CallTaps, 'get'>;
  findCall(callId: string): Promise<ListenedCall | null>;
  /** Writes one case event in its own transaction. */
  audit(caseId: string, kind: ListenAuditKind, data: Record<string, string>): Promise<void>;
  requireOperator: preHandlerAsyncHookHandler;
  csrf: Pick<Csrf, 'verify'>;
  /** Whether the session that opened the socket still holds `needed`; absent: checked at the handshake only. */
  stillAllowed?(request: FastifyRequest, needed: ConsoleRole): Promise<boolean>;
  recheckMs?: number;
  logger?: Logger;
  /** Take over (CallService.takeOver); absent: no take-over route. */
  takeOver?(callId: string, operatorId: string): Promise<TakeOverResult>;
}

export const LIVE_LISTEN_PATH = '/console/live/listen';

/** Why a listener stopped (call_listen_stopped.reason, and the page's `ended` message). */
export type ListenStopReason = TapEndReason | 'operator_left' | 'session_ended';

/** Refusals after the upgrade (RFC 6455 §7.4.2 application range): the page shows the code's words. */
const WS_GONE = 4404;
const WS_ELSEWHERE = 4409;

/** A listener this far behind (a stalled tab) skips frames rather than queue audio without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024;

const querySchema = z.looseObject({
  callId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
  csrf: z.string().max(128),
});

/**
 * Listen in (issue 10): `GET /console/live/listen?callId=…&csrf=…` (WebSocket) sends the call's
 * audio one way to an operator's browser — 20 ms binary frames of 16 kHz mono PCM16, caller and
 * agent mixed (CallTap) — with JSON control: `{type:'listening', paused}`, `{type:'paused', paused}`
 * (the caller is entering the code: the frames are silence), `{type:'ended', reason}` and
 * `{type:'error', code, message}` before a refusal close. Operators and admins only (a viewer gets
 * 403 before the upgrade); the handshake must come from this console (Origin) and carry the page's
 * CSRF token, since the cookie alone would let any page open it. Each listener is a
 * `call_listen_started` / `call_listen_stopped` event with the operator's id. The audio exists only
 * in the process running the call: elsewhere the socket is refused with `call_on_another_process`
 * (README "Running several processes").
 */
export function liveListenPlugin(deps: LiveListenPluginDeps): FastifyPluginAsync {
  const log = deps.logger?.child({ component: 'live-listen' });
  return async (plain) => {
    const app = zodRoutes(plain);
    const takeOver = deps.takeOver;
    // Take over (issue 10): a form post (CSRF like every console form); the answer is the live view with what happened.
    if (takeOver)
      app.post(
        '/console/live/:callId/take-over',
        {
          preHandler: deps.requireOperator,
          schema: { params: z.object({ callId: querySchema.shape.callId }), querystring: langQuery, body: buttonForm },
        },
        async (req, reply) => {
          const { callId } = req.params as { callId: string };
          if (!deps.csrf.verify(req)) throw new Refusal('stale_page', { back: '/console/live' });
          const op = req.operator;
          if (!op || !roleAtLeast(op.role, 'operator')) throw new Refusal('needs_role', { role: 'operator', back: '/console/live' });
          const result = await takeOver(callId, op.id);
          log?.info({ callId, result }, 'take over');
          return reply.redirect(`/console/live?lang=${req.lang}&notice=${result === 'ok' ? 'taken_over' : result}`, 303);
        },
      );
    // Before the upgrade, so each is an HTTP 403 (a page or JSON); after it, refusals are close codes.
    const gate: preHandlerAsyncHookHandler = async (req) => {
      const opts = { nothing: 'opened', back: '/console/live' } as const;
      if (fromAnotherOrigin(req)) throw new Refusal('not_from_console', opts);
      if (!req.operator || !roleAtLeast(req.operator.role, 'operator')) throw new Refusal('needs_role', { ...opts, role: 'operator' });
      if (!deps.csrf.verify(req, (req.query as { csrf: string }).csrf)) throw new Refusal('stale_page', opts);
    };
    app.get(
      LIVE_LISTEN_PATH,
      { websocket: true, preHandler: [deps.requireOperator, gate], schema: { querystring: querySchema } },
      async (ws, req) => {
        const operatorId = req.operator!.id;
        const { callId } = req.query as { callId: string };
        const refuse = (close: number, code: string, message: string) => {
          ws.send(JSON.stringify({ type: 'error', code, message }));
          ws.close(close, code);
        };
        // The page can close the socket during any await below, and 'close' fires only once: each await
        // is followed by a look at the socket, so a tab closed at once leaves no listener on the tap.
        const gone = () => ws.readyState !== ws.OPEN;
        const call = await deps.findCall(callId).catch(() => null);
        if (gone()) return;
        if (!call?.active) return refuse(WS_GONE, 'call_not_found', 'this call is not in progress');
        const tap = deps.taps.get(callId);
        if (!tap) {
          if (!call.here)
            return refuse(
              WS_ELSEWHERE,
              'call_on_another_process',
              'this call runs on another aizuchi process; its audio is heard only there',
            );
          return refuse(WS_GONE, 'no_audio', 'this call has no audio to listen to (a text call, or it is ending)');
        }
        await deps.audit(call.caseId, 'call_listen_started', { callId, operatorId });
        log?.info({ callId }, 'operator listening in');
        let stopped: ListenStopReason | null = null;
        let remove: () => void = () => undefined;
        let unwatch: () => void = () => undefined;
        const stop = (reason: ListenStopReason) => {
          if (stopped) return;
          stopped = reason;
          remove();
          unwatch();
          if (ws.readyState === ws.OPEN) {
            ws.send(JSON.stringify({ type: 'ended', reason }));
            ws.close(1000, reason);
          }
          deps.audit(call.caseId, 'call_listen_stopped', { callId, operatorId, reason }).catch((err: unknown) => {
            log?.error({ callId, err: (err as Error)?.name }, 'call_listen_stopped not recorded');
          });
        };
        // Closed while the start was written: the stop pairs it, and no listener is added.
        if (gone()) return stop('operator_left');
        remove = tap.add({
          frame: (samples) => sendFrame(ws, samples),
          paused: (paused) => ws.send(JSON.stringify({ type: 'paused', paused })),
          ended: (reason) => stop(reason),
        });
        ws.send(JSON.stringify({ type: 'listening', callId, paused: tap.paused }));
        const allowed = deps.stillAllowed;
        if (allowed)
          unwatch = watchStreamSession({
            request: req,
            allowed: (r) => allowed(r, 'operator'),
            everyMs: deps.recheckMs ?? STREAM_RECHECK_MS,
            ...(log ? { logger: log } : {}),
            onLost: () => stop('session_ended'),
          });
        ws.on('close', () => stop('operator_left'));
      },
    );
  };
}

function sendFrame(ws: WebSocket, samples: Int16Array): void {
  if (ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
  ws.send(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
}
