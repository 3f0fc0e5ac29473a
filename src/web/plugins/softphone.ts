import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isLang } from '../../domain/lang';
import type { Logger } from '../../observability/logger';
import type { Database } from '../../store/schema';
import type { SoftphoneCallPort } from '../../telephony/softphone/softphone-calls';
import { createSoftphoneChannel } from '../../telephony/softphone/softphone-channel';
import type { SoftphoneHub } from '../../telephony/softphone/softphone-hub';
import { type SoftphoneSessionStarter, openSoftphoneLine } from '../../telephony/softphone/softphone-line';
import type { SoftphoneLinks } from '../../telephony/softphone/softphone-links';
import { type SoftphoneSocket, wsSoftphoneSocket } from '../../telephony/softphone/softphone-socket';
import { isFinalView, softphoneInvalidPage, softphonePage } from '../pages/softphone/softphone-page';
import { isCaseState } from '../../domain/cases/case-state';
import { zodRoutes } from '../openapi';

export interface SoftphonePluginDeps {
  db: Kysely<Database>;
  links: SoftphoneLinks;
  calls: SoftphoneCallPort;
  hub: SoftphoneHub;
  startSession: SoftphoneSessionStarter;
  ringTimeoutMs?: number;
  pollIntervalMs?: number;
  logger?: Logger;
  /** How often an open page's case is looked at again, so a page learns its case ended elsewhere (default 30 s). */
  caseCheckMs?: number;
  /** False when due callbacks dial a phone instead of ringing this page (another Dialer); default true. */
  ringsHere?: boolean;
  /** The zone the booked time is shown in (the business zone the request mail used); default Asia/Tokyo. */
  timeZone?: string;
  /** Where the browser files live; defaults to src/web/client/softphone. */
  clientDir?: string;
}

export const SOFTPHONE_ASSETS = '/softphone/assets/';

/*
 * Inputs, for /openapi.json. attachValidation: the handlers keep deciding (an unknown asset is 404
 * JSON, a bad link is a page or a 4404 close), so these describe and change no answer.
 */
const assetSchema = {
  summary: "The softphone page's scripts and styles",
  params: z.object({ name: z.string() }),
  querystring: z.looseObject({}),
};
const pageSchema = {
  summary: 'The call page a request mail links to (HTML); 404 page for an unknown or expired link',
  params: z.object({ token: z.string().describe('the call link token (kept out of referrers and caches)') }),
  querystring: z.looseObject({ lang: z.string().optional().describe("the page's words: ja or en; the call keeps the case's language") }),
};
const socketSchema = {
  summary: 'The softphone WebSocket: rings, JSON control and 20 ms 16 kHz PCM16 frames; closes 4404 for a bad link, 4410 for an ended case',
  querystring: z.looseObject({ token: z.string().optional().describe('the call link token') }),
};
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Loaded once at start: the set of files is fixed, so no request can reach any other path. */
function loadAssets(dir: string): Map<string, { body: string; type: string }> {
  const assets = new Map<string, { body: string; type: string }>();
  for (const name of fs.readdirSync(dir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type) assets.set(name, { body: fs.readFileSync(path.join(dir, name), 'utf8'), type });
  }
  return assets;
}

function tokenFrom(req: FastifyRequest): string {
  const q = (req.query ?? {}) as Record<string, unknown>;
  return typeof q.token === 'string' ? q.token : '';
}

/**
 * The browser softphone: the page a request mail links to (`/call/<token>`), its static scripts
 * (AudioWorklet processors must be separate module files), and the WebSocket that carries rings,
 * control JSON and 20 ms PCM frames.
 */
export function softphonePlugin(deps: SoftphonePluginDeps): FastifyPluginAsync {
  const clientDir = deps.clientDir ?? fileURLToPath(new URL('../client/softphone/', import.meta.url));
  const assets = loadAssets(clientDir);
  const ringTimeoutMs = deps.ringTimeoutMs ?? 45_000;
  const pollIntervalMs = deps.pollIntervalMs ?? 1000;
  const caseCheckMs = deps.caseCheckMs ?? 30_000;
  const log = deps.logger?.child({ component: 'softphone' });
  // One live socket per case (so per link): a link opened 1,000 times must not ring 1,000 pages
  // (issue 7, finding 10). The newest wins, so a reloaded page is never locked out by a stale one.
  const liveByCase = new Map<string, SoftphoneSocket>();

  return async (app) => {
    zodRoutes(app);
    app.get(`${SOFTPHONE_ASSETS}:name`, { schema: assetSchema, attachValidation: true }, async (req, reply) => {
      const asset = assets.get((req.params as { name: string }).name);
      if (!asset) return reply.code(404).send({ error: 'not_found' });
      return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
    });

    app.get('/call/:token', { schema: pageSchema, attachValidation: true }, async (req, reply) => {
      const { token } = req.params as { token: string };
      // The token is in this page's URL: never pass it on as a referrer, never cache the page.
      reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store').type('text/html; charset=utf-8');
      // inspect, not resolve: an ended case gets a final page saying how it ended (issue 13); the
      // socket below still refuses it.
      const target = await deps.links.inspect(deps.db, token);
      // The language switch (issue 13) is a query-only link (`?lang=`) to this same path: the token
      // stays in the address bar, never in a query nor written into the page (an ended case's page
      // must not carry it). The page's words follow the choice; the call keeps the case's language.
      const switchPath = '';
      if (!target) return reply.code(404).send(softphoneInvalidPage(req.lang, switchPath));
      // Without ?lang the page speaks the case's language (the call's), not the browser's.
      const callLang = isLang(target.lang) ? target.lang : 'ja';
      return reply.send(
        softphonePage({
          lang: req.langChosen ? req.lang : callLang,
          callLang,
          switchPath,
          token,
          assetBase: SOFTPHONE_ASSETS,
          view: target,
          timeZone: deps.timeZone ?? 'Asia/Tokyo',
          ringsHere: deps.ringsHere,
        }),
      );
    });

    app.get('/api/v1/softphone/ws', { websocket: true, schema: socketSchema, attachValidation: true }, (ws, req) => {
      const socket = wsSoftphoneSocket(ws);
      let gone = false;
      socket.onClose(() => {
        gone = true;
      });
      const token = tokenFrom(req);
      // A case that ended (or went to a person) gets no line: the page reloads into its final page (issue 13).
      const closeAsEnded = (caseState: string) => {
        socket.send(JSON.stringify({ type: 'case_closed', caseState }));
        socket.close(4410, 'case_closed');
      };
      void deps.links.inspect(deps.db, token).then(
        (target) => {
          if (gone) return;
          if (!target || !isCaseState(target.caseState)) {
            socket.send(JSON.stringify({ type: 'error', code: 'bad_link', message: 'this call link is not valid or has expired' }));
            socket.close(4404, 'bad_link');
            return;
          }
          if (isFinalView(target)) return closeAsEnded(target.caseState);

          liveByCase.get(target.caseId)?.close(4409, 'opened_elsewhere');
          liveByCase.set(target.caseId, socket);
          socket.onClose(() => {
            if (liveByCase.get(target.caseId) === socket) liveByCase.delete(target.caseId);
          });
          const channel = createSoftphoneChannel(socket, { logger: deps.logger });
          channel.sendControl({ type: 'hello', lang: target.lang, caseState: target.caseState, ringTimeoutMs });
          const line = openSoftphoneLine({
            caseId: target.caseId,
            channel,
            calls: deps.calls,
            startSession: deps.startSession,
            ringTimeoutMs,
            pollIntervalMs,
            logger: deps.logger,
          });
          deps.hub.add(line);
          // The case can end while the page waits (cancelled by mail, escalated by an operator). Only
          // an idle line is closed: a call's own end reaches the page as `ended`, captions kept.
          const check = setInterval(() => {
            if (line.state() !== 'idle') return;
            void deps.links.inspect(deps.db, token).then(
              (now) => {
                if (!gone && line.state() === 'idle' && now && isFinalView(now)) closeAsEnded(now.caseState);
              },
              () => undefined,
            );
          }, caseCheckMs);
          socket.onClose(() => clearInterval(check));
          channel.onClose(() => deps.hub.remove(line));
        },
        (err: unknown) => {
          log?.error({ err }, 'softphone link lookup failed');
          socket.close(1011, 'server_error');
        },
      );
    });
  };
}
