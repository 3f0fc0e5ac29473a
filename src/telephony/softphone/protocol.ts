import { z } from 'zod';

/**
 * The softphone wire protocol. Binary WebSocket messages are audio: exactly one 20 ms frame of
 * PCM16 little-endian mono at 16 kHz (640 bytes) in either direction. Text messages are JSON control.
 * Parsing never throws: a bad message becomes a typed protocol error the caller reports and skips.
 */
export const SOFTPHONE_SAMPLE_RATE_HZ = 16_000;
export const SOFTPHONE_FRAME_SAMPLES = 320;
export const SOFTPHONE_FRAME_BYTES = SOFTPHONE_FRAME_SAMPLES * 2;
/** Control messages are short; anything longer is garbage or abuse. */
export const MAX_CONTROL_BYTES = 4096;
export const MAX_TEXT_CHARS = 500;
export const MAX_DTMF_DIGITS = 32;

const dtmfDigits = z
  .string()
  .min(1)
  .max(MAX_DTMF_DIGITS)
  .regex(/^[0-9*#A-D]+$/, 'digits must be 0-9, *, #, A-D');
const text = z.string().max(MAX_TEXT_CHARS);

const controlSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('answer') }),
  z.object({ type: z.literal('decline') }),
  z.object({ type: z.literal('hangup') }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('dtmf'), digits: dtmfDigits }),
  z.object({ type: z.literal('text'), text: text.refine((t) => t.trim().length > 0, 'text must not be empty') }),
  z.object({ type: z.literal('asr'), text, isFinal: z.boolean() }),
  // The caller is typing in the text box (no content: it may be a code being typed). Barge-in.
  z.object({ type: z.literal('typing') }),
]);

export type ControlMessage = z.infer<typeof controlSchema>;
export type ClientMessage = { type: 'audio'; samples: Int16Array } | ControlMessage;

export type ProtocolErrorCode = 'bad_frame' | 'bad_json' | 'bad_message' | 'too_large';

export interface ProtocolError {
  type: 'protocol_error';
  code: ProtocolErrorCode;
  message: string;
}

const fail = (code: ProtocolErrorCode, message: string): ProtocolError => ({ type: 'protocol_error', code, message });

/** Reads one WebSocket message (ws gives a Buffer plus the binary flag). */
export function parseClientMessage(data: Buffer, isBinary: boolean): ClientMessage | ProtocolError {
  if (isBinary) {
    if (data.length !== SOFTPHONE_FRAME_BYTES) {
      return fail('bad_frame', `audio frames must be ${SOFTPHONE_FRAME_BYTES} bytes (20 ms of 16 kHz PCM16), got ${data.length}`);
    }
    return { type: 'audio', samples: decodePcm16le(data) };
  }
  if (data.length > MAX_CONTROL_BYTES) return fail('too_large', `control messages must be at most ${MAX_CONTROL_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return fail('bad_json', 'control messages must be JSON');
  }
  const parsed = controlSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'type';
    return fail('bad_message', `${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function isProtocolError(m: ClientMessage | ProtocolError): m is ProtocolError {
  return m.type === 'protocol_error';
}

export function decodePcm16le(data: Buffer): Int16Array {
  const out = new Int16Array(data.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = data.readInt16LE(i * 2);
  return out;
}

export function encodePcm16le(samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] ?? 0, i * 2);
  return out;
}
