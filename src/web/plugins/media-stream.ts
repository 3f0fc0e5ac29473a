import type { FastifyPluginAsync } from 'fastify';
import { acceptMediaStream, type MediaStreamEndpointOptions } from '../../telephony/media-stream/media-stream-endpoint';
import { wsMediaStreamSocket } from '../../telephony/media-stream/media-stream-socket';

/** The path carriers' media streams connect to (issue 8: the one endpoint for every vendor). */
export const MEDIA_STREAM_PATH = '/telephony/media-stream';

/**
 * `GET /telephony/media-stream`: the WebSocket a carrier's media stream opens once a call is answered
 * (Twilio `<Connect><Stream>`, Telnyx `stream_url`, Plivo `<Stream>`, Exotel's applet, Vonage's
 * `websocket` endpoint). The vendor is recognised from the first messages; the call is found only by
 * the single-use token in the stream's parameters (see acceptMediaStream for the whole contract).
 * The URL carries nothing: Twilio forbids a query string there, and carriers log URLs.
 */
export function mediaStreamPlugin(opts: MediaStreamEndpointOptions): FastifyPluginAsync {
  return async (app) => {
    app.get(MEDIA_STREAM_PATH, { websocket: true }, (ws) => {
      acceptMediaStream(wsMediaStreamSocket(ws), opts);
    });
  };
}
