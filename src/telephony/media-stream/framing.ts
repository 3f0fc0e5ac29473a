import { AizuchiError } from '../../domain/errors';

/**
 * The shapes every vendor framing turns its wire into (TELEPHONY.md §0: one adapter per call turning
 * the carrier's messages into typed events). Each vendor file (twilio.ts, telnyx.ts, …) reads that
 * vendor's messages and writes its outbound ones; nothing past the channel knows which vendor it was.
 */

/** Vendors whose media-stream framing the endpoint recognises (TELEPHONY.md §3.4). */
export type StreamVendor = 'twilio' | 'telnyx' | 'plivo' | 'exotel' | 'vonage';

/**
 * How a vendor's audio payload is coded: G.711 (one byte per sample, 8 kHz) or 16-bit linear PCM
 * in little-endian (Vonage, Exotel, Plivo L16) or network byte order (Telnyx L16 is an RTP payload,
 * RFC 3551 §4.5.11).
 */
export interface PayloadEncoding {
  readonly codec: 'mulaw' | 'alaw' | 'l16le' | 'l16be';
  readonly sampleRateHz: number;
}

/** What the decisive `start` (or Vonage's `websocket:connected`) says about the stream. */
export interface StreamStart {
  readonly vendor: StreamVendor;
  /** The single-use per-call token from the vendor's custom parameters; null when the stream carries none. */
  readonly token: string | null;
  /** The vendor's stream id, echoed in outbound messages that need it ('' where none is used). For correlation only. */
  readonly streamId: string;
  /** The vendor's call id (CallSid, call_control_id, Plivo callId, Exotel call_sid); null when the stream gives none. */
  readonly carrierCallId: string | null;
  readonly encoding: PayloadEncoding;
}

/** One inbound message, typed. `ignored` covers keep-alives and notices; `bad` is counted and dropped. */
export type StreamEvent =
  | { readonly type: 'audio'; readonly payload: Buffer; readonly seq: number | null }
  | { readonly type: 'dtmf'; readonly digit: string }
  | { readonly type: 'mark'; readonly name: string }
  | { readonly type: 'cleared' }
  | { readonly type: 'stop' }
  | { readonly type: 'ignored' }
  | { readonly type: 'bad'; readonly reason: string };

/** One vendor's framing for one stream, made from its start message. */
export interface VendorFraming {
  readonly start: StreamStart;
  /** The vendor sends keypad digits as events, so the media chain needn't look for tones in the audio. */
  readonly outOfBandDtmf: boolean;
  /** Reads one message after the start; never throws. */
  parse(data: Buffer, isBinary: boolean): StreamEvent;
  /** One outbound media message carrying `payload` (already coded per `start.encoding`). */
  media(payload: Buffer): string | Buffer;
  /** A mark the vendor echoes once the audio before it has played; null where the vendor has no marks (Vonage). */
  mark(name: string): string | null;
  /** Tells the vendor to drop the agent audio it buffered and not yet played. */
  clear(): string;
}

export class MediaStreamError extends AizuchiError {
  constructor(message: string, code: string) {
    super(message, { code, retryable: false });
  }
}

/** Longest text message a vendor plausibly sends (Exotel's ~100 ms of PCM is ~2.2 kB of JSON); more is dropped. */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** Keypad digits as vendors send them (Twilio/Telnyx/Plivo/Exotel/Vonage: one per event). */
const DIGIT = /^[0-9*#A-D]$/;

/** A JSON object, or null for anything else (never throws). */
export function parseJsonObject(data: Buffer): Record<string, unknown> | null {
  if (data.length > MAX_MESSAGE_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  return isObject(value) ? value : null;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `obj[key]` when it is an object (else an empty one), for reading nested vendor fields safely. */
export function objectAt(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = obj[key];
  return isObject(value) ? value : {};
}

/** A non-empty string field, or null. */
export function stringAt(obj: Record<string, unknown>, key: string): string | null {
  const value = obj[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A field vendors send as a number or a numeric string (Twilio's sequenceNumber is "2"); null otherwise. */
export function numberAt(obj: Record<string, unknown>, key: string): number | null {
  const value = obj[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

/** Strict base64 (what every vendor sends), or null: Buffer.from would silently skip junk characters. */
export function decodeBase64(text: unknown): Buffer | null {
  if (typeof text !== 'string' || text.length === 0 || text.length % 4 !== 0) return null;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  return Buffer.from(text, 'base64');
}

/** A keypad digit event's `digit`, or a `bad` event. */
export function digitEvent(digit: unknown): StreamEvent {
  return typeof digit === 'string' && DIGIT.test(digit)
    ? { type: 'dtmf', digit }
    : { type: 'bad', reason: 'dtmf digit must be one of 0-9 * # A-D' };
}

/** A media event's payload as base64 text → `audio`, or `bad`. */
export function audioEvent(payload: unknown, seq: number | null): StreamEvent {
  const bytes = decodeBase64(payload);
  return bytes && bytes.length > 0
    ? { type: 'audio', payload: bytes, seq }
    : { type: 'bad', reason: 'media payload must be non-empty base64' };
}

/** A mark echo's name, or `bad`. */
export function markEvent(name: unknown): StreamEvent {
  return typeof name === 'string' && name !== '' && name.length <= 128
    ? { type: 'mark', name }
    : { type: 'bad', reason: 'mark name missing' };
}

/** Reads `token` from custom parameters given as an object or as Telnyx's `[{name, value}]` list. */
export function tokenFromParameters(params: unknown): string | null {
  if (isObject(params)) return stringAt(params, 'token');
  if (Array.isArray(params)) {
    for (const p of params) if (isObject(p) && p.name === 'token') return stringAt(p, 'value');
  }
  return null;
}
