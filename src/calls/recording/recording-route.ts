import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import type { RecordingStore } from './recording-store';

export interface RecordingRouteDeps {
  recordings: RecordingStore;
  /** The console's operator check (signed-in operator with MFA); runs before anything is looked up. */
  requireOperator: preHandlerAsyncHookHandler;
}

const CALL_ID = /^[A-Za-z0-9_-]{1,100}$/u;

/** GET /console/calls/:callId/recording.wav — streams a kept recording to an operator. */
export function recordingRoutes(deps: RecordingRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/console/calls/:callId/recording.wav', { preHandler: deps.requireOperator }, async (req, reply) => {
      const { callId } = req.params as { callId: string };
      const notFound = () => reply.code(404).type('text/plain; charset=utf-8').send('No recording for this call.');
      if (!CALL_ID.test(callId)) return notFound();
      const path = await deps.recordings.pathFor(callId);
      if (!path) return notFound();
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch {
        return notFound();
      }
      return reply
        .type('audio/wav')
        .header('content-length', size)
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `inline; filename="${callId}.wav"`)
        .send(createReadStream(path));
    });
  };
}
