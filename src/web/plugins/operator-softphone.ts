import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { OperatorDesk } from '../../calls/transfer/operator-desk';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import { Refusal } from '../../domain/refusal';
import type { Logger } from '../../observability/logger';
import { createSoftphoneChannel } from '../../telephony/softphone/softphone-channel';
import { wsSoftphoneSocket } from '../../telephony/softphone/softphone-socket';
import { consoleSoftphonePage } from '../pages/console/softphone-page';
import type { Csrf } from '../pages/identity/csrf';
import { SOFTPHONE_ASSETS } from './softphone';
import { fromAnotherOrigin } from './same-origin';
import { STREAM_RECHECK_MS, watchStreamSession } from './stream-session';
import { zodRoutes } from '../openapi';
import { langQuery } from '../route-schemas';

export interface OperatorSoftphonePluginDeps {
  desk: OperatorDesk;
  /** The console's gate: sets request.operator (console-operator.ts). */
  requireOperator: preHandlerAsyncHookHandler;
  /**
   * Whether the session that opened the socket still holds `needed` (consoleAccess stillAllowed);
   * absent: checked at the handshake only.
   */
  stillAllowed?(request: FastifyRequest, needed: ConsoleRole): Promise<boolean>;
  /** How often an open socket re-checks the session; default STREAM_RECHECK_MS. */
  recheckMs?: number;
  logger?: Logger;
  /** The business time zone (AIZUCHI_TIMEZONE) and the nav's sign-out CSRF field, for the page. */
  timeZone?: string;
  csrf?: Pick<Csrf, 'field'>;
}

export const OPERATOR_SOFTPHONE_PATH = '/console/softphone/ws';
/** WebSocket close code for a signed-in person whose role may not take calls (RFC 6455 §7.4.2: application range). */
const WS_FORBIDDEN = 4403;

/**
 * The operator's console softphone (issue 10): a WebSocket in the customer softphone's protocol
 * (20 ms 16 kHz PCM16 binary frames, JSON control). While it is open the operator is available
 * for live transfers (OperatorDesk.join); an offer arrives as `{type:'transfer_offer', …}` and the
 * page answers `{type:'answer'}` or `{type:'decline'}`; once connected, audio flows both ways and
 * `{type:'hangup'}` ends the call. Viewers may watch the console but take no calls. A handshake
 * whose Origin is another host is refused with 403 (the cookie would otherwise let any page in).
 */
export function operatorSoftphonePlugin(deps: OperatorSoftphonePluginDeps): FastifyPluginAsync {
  const log = deps.logger?.child({ component: 'operator-softphone' });
  return async (plain) => {
    const app = zodRoutes(plain);
    // Cross-site WebSocket hijacking: the cookie alone authenticates the upgrade, so the origin is checked before it.
    const sameOrigin: preHandlerAsyncHookHandler = async (req) => {
      if (fromAnotherOrigin(req)) {
        log?.warn('operator softphone: handshake from another origin refused');
        throw new Refusal('not_from_console', { nothing: 'opened' });
      }
    };
    // The page; its script reuses the customer softphone's assets (SOFTPHONE_ASSETS).
    app.get(
      '/console/softphone',
      {
        preHandler: deps.requireOperator,
        schema: { querystring: langQuery },
      },
      async (req, reply) => {
        const lang = req.lang;
        const csrfField = deps.csrf?.field(req, reply);
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(
            consoleSoftphonePage({
              lang,
              timeZone: deps.timeZone ?? 'Asia/Tokyo',
              wsPath: OPERATOR_SOFTPHONE_PATH,
              assetBase: SOFTPHONE_ASSETS,
              ...(csrfField ? { csrfField } : {}),
            }),
          );
      },
    );
    app.get(
      OPERATOR_SOFTPHONE_PATH,
      { websocket: true, preHandler: [sameOrigin, deps.requireOperator], schema: { querystring: langQuery } },
      (ws, req) => {
        const socket = wsSoftphoneSocket(ws);
        const who = req.operator;
        if (!who || !roleAtLeast(who.role, 'operator')) {
          socket.send(JSON.stringify({ type: 'error', code: 'forbidden', message: 'taking calls needs the operator role' }));
          socket.close(WS_FORBIDDEN, 'forbidden');
          return;
        }
        const line = createSoftphoneChannel(socket, { ...(deps.logger ? { logger: deps.logger } : {}) });
        deps.desk.join(who.id, line);
        // A revoked session must not keep its seat (and be handed callers) while the tab stays open.
        const allowed = deps.stillAllowed;
        if (allowed) {
          const unwatch = watchStreamSession({
            request: req,
            allowed: (r) => allowed(r, 'operator'),
            everyMs: deps.recheckMs ?? STREAM_RECHECK_MS,
            ...(log ? { logger: log } : {}),
            onLost() {
              log?.info('operator console softphone: session ended; socket closed');
              // Closing the line leaves the desk at once (a call in progress ends too); the page gets {type:'ended', reason}.
              line.close('session_ended');
            },
          });
          ws.on('close', unwatch);
        }
        log?.info({ available: deps.desk.availableCount() }, 'operator console softphone connected');
      },
    );
  };
}
