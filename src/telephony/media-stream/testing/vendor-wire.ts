import type { PayloadEncoding, StreamVendor } from '../framing';

/** One message the endpoint sent the carrier, as a test carrier reads it. */
export type OutboundMessage =
  | { readonly type: 'media'; readonly payload: Buffer }
  | { readonly type: 'mark'; readonly name: string }
  | { readonly type: 'clear' }
  | { readonly type: 'other'; readonly value: unknown };

/**
 * A carrier's side of one media stream, as the vendor documents its messages (TELEPHONY.md §1.4,
 * §2.3, §3.1–3.3): what it sends us and how it reads what we send. Test carriers (in-memory sockets
 * here; tel-twilio's fake Twilio and Telnyx servers) build on these, so tests speak the real wire.
 */
export interface VendorWire {
  readonly vendor: StreamVendor;
  readonly encoding: PayloadEncoding;
  /** The messages that open the stream, the token in the vendor's custom parameters (none when null). */
  opening(token: string | null): Array<string | Buffer>;
  /** One media message carrying `payload` (coded per `encoding`); chunks are numbered in order unless `chunk` is given. */
  media(payload: Buffer, chunk?: number): string | Buffer;
  dtmf(digit: string): string;
  /** The vendor's end-of-stream message; null where it just closes the socket (Vonage). */
  stop(): string | null;
  /** The vendor's answer to one of our marks; null where it has none (Vonage). */
  markEcho(name: string): string | null;
  /** Headers of the WebSocket upgrade, given the token (Telnyx's `stream_auth_token` as a bearer). */
  upgradeHeaders?(token: string | null): Record<string, string>;
  /** Reads one message we sent. */
  read(data: Buffer, isBinary: boolean): OutboundMessage;
}

export function jsonOf(data: Buffer): Record<string, unknown> {
  return JSON.parse(data.toString('utf8')) as Record<string, unknown>;
}

/** Reads `payload` of a media-like message, or throws (a test failure: we sent something malformed). */
export function payloadOf(media: unknown): Buffer {
  const payload = (media as { payload?: unknown } | undefined)?.payload;
  if (typeof payload !== 'string') throw new Error('media message without a payload');
  return Buffer.from(payload, 'base64');
}
