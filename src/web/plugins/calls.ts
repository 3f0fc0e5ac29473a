import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CallService, ConnectedCall } from '../../calls/call-service';
import type { Logger } from '../../observability/logger';
import { createTextChannel } from '../../telephony/text/text-channel';
import { type SafeHtml, html } from '../../html/safe-html';

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
    const connected = new WeakMap<FastifyRequest, ConnectedCall>();
    app.get(
      '/api/v1/calls/text',
      {
        websocket: true,
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

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');

/** The console case page's "Calls" section: each call with its outcome and (redacted) transcript. */
export function callsCaseSection(calls: CallService): (caseId: string) => Promise<SafeHtml> {
  return async (caseId) => {
    const items = await calls.callsForCase(caseId);
    if (items.length === 0) return html`<section class="calls"><h2>Calls</h2><p>No calls yet.</p></section>`;
    return html`<section class="calls"><h2>Calls</h2>${items.map(
      ({ call, transcript }) => html`<article class="call" id="call-${call.id}">
<h3>${call.channel} call · ${call.outcome ?? call.state}</h3>
<p>Started ${when(call.started_at)} · ended ${when(call.ended_at)}</p>
${
  call.recording_path && !call.recording_deleted_at
    ? html`<p><audio controls preload="none" src="/console/calls/${call.id}/recording.wav"></audio> <a href="/console/calls/${call.id}/recording.wav">recording (WAV)</a></p>`
    : call.recording_deleted_at
      ? html`<p class="muted">Recording deleted ${when(call.recording_deleted_at)} (retention).</p>`
      : ''
}
${
  transcript.length === 0
    ? html`<p>No transcript.</p>`
    : html`<ol class="transcript">${transcript.map((t) => html`<li class="${t.speaker}"><strong>${t.speaker === 'agent' ? 'Agent' : 'Caller'}</strong> <time>${when(t.at)}</time> ${t.text}</li>`)}</ol>`
}
</article>`,
    )}</section>`;
  };
}
