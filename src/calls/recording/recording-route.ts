import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Refusal } from '../../domain/refusal';
import type { RecordingStore } from './recording-store';

export interface RecordingRouteDeps {
  recordings: RecordingStore;
  /** The console's operator check (signed-in operator with MFA); runs before anything is looked up. */
  requireOperator: preHandlerAsyncHookHandler;
  /**
   * A person started listening (a request from the first byte; the player's later range requests
   * while seeking are the same listen): the console writes it into the case's audit history.
   */
  listened?(req: FastifyRequest, call: { callId: string; caseId: string }): Promise<void>;
}

const CALL_ID = /^[A-Za-z0-9_-]{1,100}$/u;

/** Zod route schema (issue 10): the call id in the path (an unknown or malformed one is a 404, as before) and no query. */
const RECORDING_SCHEMA = {
  summary: "A call's kept recording (audio/wav, byte ranges) for a signed-in operator",
  params: z.object({ callId: z.string().max(200).describe('the call id') }),
  querystring: z.looseObject({}),
};

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against a file of `size` bytes → inclusive [start, end]; null when unsatisfiable. */
export function byteRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}

/**
 * GET /console/calls/:callId/recording.wav — streams a kept recording to an operator, with byte
 * ranges (206) so the case page's player can seek to a transcript line. Listening is audited.
 */
export function recordingRoutes(deps: RecordingRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.setValidatorCompiler(validatorCompiler);
    app.get('/console/calls/:callId/recording.wav', { preHandler: deps.requireOperator, schema: RECORDING_SCHEMA }, async (req, reply) => {
      const { callId } = req.params as { callId: string };
      // The app's error handler answers it: a page in the operator's language, or JSON (web/refusal-reply.ts).
      const notFound = () => {
        throw new Refusal('not_found', { what: 'recording' });
      };
      if (!CALL_ID.test(callId)) return notFound();
      const kept = await deps.recordings.recordingFor(callId);
      if (!kept) return notFound();
      let size: number;
      try {
        size = (await stat(kept.path)).size;
      } catch {
        return notFound();
      }
      const rangeHeader = req.headers.range;
      const range = rangeHeader ? byteRange(rangeHeader, size) : { start: 0, end: size - 1 };
      if (!range) return reply.code(416).header('content-range', `bytes */${size}`).send();
      if (range.start === 0) await deps.listened?.(req, { callId, caseId: kept.caseId });
      reply
        .type('audio/wav')
        .header('accept-ranges', 'bytes')
        .header('content-length', range.end - range.start + 1)
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `inline; filename="${callId}.wav"`);
      if (rangeHeader) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
      return reply.send(createReadStream(kept.path, { start: range.start, end: range.end }));
    });
  };
}
