import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { OperatorDesk } from '../../calls/transfer/operator-desk';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import type { Logger } from '../../observability/logger';
import { createSoftphoneChannel } from '../../telephony/softphone/softphone-channel';
import { wsSoftphoneSocket } from '../../telephony/softphone/softphone-socket';

export interface OperatorSoftphonePluginDeps {
  desk: OperatorDesk;
  requireOperator: preHandlerAsyncHookHandler;
  /** Who passed requireOperator (operator-sso consoleAccess principal). */
  principal(request: FastifyRequest): { id: string; role: ConsoleRole } | undefined;
  logger?: Logger;
}

export const OPERATOR_SOFTPHONE_PATH = '/console/softphone/ws';
/** WebSocket close code for a signed-in person whose role may not take calls (RFC 6455 §7.4.2: application range). */
const WS_FORBIDDEN = 4403;

/**
 * The operator's console softphone (issue 10): a WebSocket in the customer softphone's protocol
 * (20 ms 16 kHz PCM16 binary frames, JSON control). While it is open the operator is available
 * for live transfers (OperatorDesk.join); an offer arrives as `{type:'transfer_offer', …}` and the
 * page answers `{type:'answer'}` or `{type:'decline'}`; once connected, audio flows both ways and
 * `{type:'hangup'}` ends the call. Viewers may watch the console but take no calls.
 */
export function operatorSoftphonePlugin(deps: OperatorSoftphonePluginDeps): FastifyPluginAsync {
  const log = deps.logger?.child({ component: 'operator-softphone' });
  return async (app) => {
    app.get(OPERATOR_SOFTPHONE_PATH, { websocket: true, preHandler: deps.requireOperator }, (ws, req) => {
      const socket = wsSoftphoneSocket(ws);
      const who = deps.principal(req);
      if (!who || !roleAtLeast(who.role, 'operator')) {
        socket.send(JSON.stringify({ type: 'error', code: 'forbidden', message: 'taking calls needs the operator role' }));
        socket.close(WS_FORBIDDEN, 'forbidden');
        return;
      }
      const line = createSoftphoneChannel(socket, { ...(deps.logger ? { logger: deps.logger } : {}) });
      deps.desk.join(who.id, line);
      log?.info({ available: deps.desk.availableCount() }, 'operator console softphone connected');
    });
  };
}
