import { z } from 'zod';

/** Longest caller text accepted in one frame; a spoken turn is far shorter. */
export const MAX_SAY_CHARS = 1000;
/** Raw frame size limit, checked before parsing. */
export const MAX_FRAME_BYTES = 4096;

const callerFrame = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('say'),
      text: z.string().trim().min(1, 'text is empty').max(MAX_SAY_CHARS, `text is longer than ${MAX_SAY_CHARS} characters`),
    })
    .strict(),
  z.object({ type: z.literal('dtmf'), digits: z.string().regex(/^[0-9*#]{1,32}$/, 'digits must be 1-32 of 0-9 * #') }).strict(),
  z.object({ type: z.literal('hangup') }).strict(),
]);

export type CallerFrame = z.infer<typeof callerFrame>;

export type ParsedFrame = { ok: true; frame: CallerFrame } | { ok: false; message: string };

/**
 * One caller frame from the wire. Errors name the problem, never echo the content (a caller may have
 * typed a code or a password into a bad frame).
 */
export function parseCallerFrame(data: Buffer | string, isBinary: boolean): ParsedFrame {
  if (isBinary) return { ok: false, message: 'binary frames are not supported; send JSON text' };
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > MAX_FRAME_BYTES) return { ok: false, message: `frame is larger than ${MAX_FRAME_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return { ok: false, message: 'frame is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'frame must be a JSON object' };
  const type = (value as { type?: unknown }).type;
  if (type !== 'say' && type !== 'dtmf' && type !== 'hangup')
    return { ok: false, message: 'unknown frame type (expected say, dtmf or hangup)' };
  const parsed = callerFrame.safeParse(value);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'invalid frame' };
  return { ok: true, frame: parsed.data };
}
