import twilio from 'twilio';

/** The media-stream endpoint carriers connect to (issue 8 interface), under the public URL. */
export const MEDIA_STREAM_PATH = '/telephony/media-stream';

/**
 * `wss://…/telephony/media-stream` for AIZUCHI_PUBLIC_URL `https://…` (and `ws://` for a plain-HTTP
 * development URL). Twilio accepts only `wss://` on 443 in production, and no query string
 * (TELEPHONY.md §1.3), so nothing call-specific goes in it.
 */
export function mediaStreamUrl(publicUrl: string): string {
  const url = new URL(MEDIA_STREAM_PATH, `${publicUrl.replace(/\/+$/u, '')}/`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  // Keep a path prefix the public URL may have (https://example.com/aizuchi → …/aizuchi/telephony/media-stream).
  url.pathname = `${new URL(publicUrl).pathname.replace(/\/+$/u, '')}${MEDIA_STREAM_PATH}`;
  return url.toString();
}

/**
 * The call's TwiML: `<Response><Connect><Stream url="…"><Parameter name="token" …/><Parameter
 * name="callId" …/></Stream></Connect></Response>`. `<Connect>` makes the stream bidirectional
 * (audio, mark and clear back to Twilio, DTMF delivered; TELEPHONY.md §1.3); the parameters come
 * back in the stream's `start.customParameters`. Built with the helper's VoiceResponse, which
 * XML-escapes attribute values. Twilio caps inline TwiML at 4000 characters (§1.1); ours is ~300.
 */
export function streamTwiml(opts: { streamUrl: string; token: string; callId: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  const stream = response.connect().stream({ url: opts.streamUrl });
  stream.parameter({ name: 'token', value: opts.token });
  stream.parameter({ name: 'callId', value: opts.callId });
  return response.toString();
}
