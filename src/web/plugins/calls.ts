import { z } from 'zod';
import { zodRoutes } from '../openapi';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CallService, ConnectedCall } from '../../calls/call-service';
import type { Logger } from '../../observability/logger';
import { createTextChannel } from '../../telephony/text/text-channel';
import type { SafeHtml } from '../../html/safe-html';
import { figuresFromHistory } from '../../calls/call-figures';
import { type WaveformPeaks, waveformPeaks } from '../../calls/recording/waveform';
import type { Lang } from '../../domain/lang';
import { type CallView, callsSection } from '../pages/console/call-section';

export interface CallsPluginDeps {
  calls: CallService;
  logger: Logger;
}

/**
 * The text channel's WebSocket: `GET /api/v1/calls/text?token=…`. The token is checked and spent
 * before the upgrade, so a used, expired or unknown link gets a plain HTTP 410/401 and no socket.
 */
export function callsPlugin(deps: CallsPluginDeps): FastifyPluginAsync {
  return async (app) => {
    zodRoutes(app);
    const connected = new WeakMap<FastifyRequest, ConnectedCall>();
    app.get(
      '/api/v1/calls/text',
      {
        websocket: true,
        schema: {
          summary: 'The text channel of a call (WebSocket); the single-use link comes from `aizuchi cases call-now`',
          querystring: z.object({ token: z.string().optional().describe('the call link token, spent before the upgrade') }),
        },
        attachValidation: true,
        // The URL carries the call token: keep it out of the request log.
        logLevel: 'warn',
        preValidation: async (req, reply) => {
          if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
            return reply.code(426).send({ error: 'upgrade_required', message: 'connect with a WebSocket client' });
          }
          const token = (req.query as Record<string, unknown> | undefined)?.token;
          const result = typeof token === 'string' ? await deps.calls.connect(token) : ({ ok: false, reason: 'unknown' } as const);
          if (!result.ok) {
            const gone = result.reason !== 'unknown';
            return reply.code(gone ? 410 : 401).send({
              error: gone ? 'call_link_gone' : 'call_link_unknown',
              message: gone ? 'this call link was already used or has expired' : 'unknown call link',
            });
          }
          connected.set(req, result.connected);
        },
      },
      (socket, req) => {
        const call = connected.get(req);
        if (!call) {
          socket.close(4401, 'unauthorized');
          return;
        }
        deps.calls.attach(call, createTextChannel(socket)).catch(() => {
          deps.logger.error({ callId: call.call.id }, 'call could not start');
        });
      },
    );
  };
}

/**
 * The console case page's "Calls" section (pages/console/call-section.ts): each call with its outcome,
 * figures (from its call_ended event), the recording's waveform and the (redacted) transcript, in the
 * operator's language and the business time zone.
 */
export function callsCaseSection(
  calls: Pick<CallService, 'callsForCase'>,
  deps: {
    history(caseId: string): Promise<readonly { kind: string; data: string }[]>;
    peaks?: (path: string) => Promise<WaveformPeaks | null>;
  },
): (caseId: string, locale: { lang: Lang; timeZone: string }) => Promise<SafeHtml> {
  return async (caseId, { lang, timeZone }) => {
    const [items, history] = await Promise.all([calls.callsForCase(caseId), deps.history(caseId)]);
    const views: CallView[] = await Promise.all(
      items.map(async ({ call, transcript }) => ({
        call,
        transcript,
        figures: figuresFromHistory(history, call.id),
        peaks: call.recording_path && !call.recording_deleted_at ? await (deps.peaks ?? waveformPeaks)(call.recording_path) : null,
      })),
    );
    return callsSection(views, lang, timeZone);
  };
}
