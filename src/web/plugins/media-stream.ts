import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { acceptMediaStream, type MediaStreamEndpointOptions } from '../../telephony/media-stream/media-stream-endpoint';
import { wsMediaStreamSocket } from '../../telephony/media-stream/media-stream-socket';
import { MEDIA_STREAM_PATH } from '../../telephony/public-urls';
import { zodRoutes } from '../openapi';

export { MEDIA_STREAM_PATH };

/** The handshake headers read, for /openapi.json (loose: every other header is kept as sent). */
const handshakeSchema = {
  summary:
    "A carrier's media stream (WebSocket): vendor recognised from the first messages, call found by the single-use token in its parameters",
  headers: z.looseObject({
    authorization: z.string().optional().describe('`Bearer <token>` (carriers that send one)'),
    'x-twilio-signature': z.string().optional().describe("Twilio's signature of the stream URL"),
  }),
};

/**
 * `GET /telephony/media-stream`: the WebSocket a carrier's media stream opens once a call is answered
 * (Twilio `<Connect><Stream>`, Telnyx `stream_url`, Plivo `<Stream>`, Exotel's applet, Vonage's
 * `websocket` endpoint). The vendor is recognised from the first messages; the call is found only by
 * the single-use token in the stream's parameters (see acceptMediaStream for the whole contract).
 * The URL carries nothing: Twilio forbids a query string there, and carriers log URLs.
 */
export function mediaStreamPlugin(opts: MediaStreamEndpointOptions): FastifyPluginAsync {
  return async (app) => {
    zodRoutes(app);
    app.get(MEDIA_STREAM_PATH, { websocket: true, schema: handshakeSchema, attachValidation: true }, (ws, req) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const signature = req.headers['x-twilio-signature'];
      acceptMediaStream(wsMediaStreamSocket(ws), opts, {
        ...(bearer ? { bearerToken: bearer } : {}),
        ...(typeof signature === 'string' ? { twilioSignature: signature } : {}),
      });
    });
  };
}
