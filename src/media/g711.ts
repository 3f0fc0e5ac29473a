import alawmulaw from 'alawmulaw';
import type { AudioFrame } from './frame';
import { AizuchiError } from '../domain/errors';

/** The two G.711 companding laws: μ-law (North America, Japan) and A-law (most of the rest). */
export type G711Law = 'mulaw' | 'alaw';

/** G.711 is defined at 8 kHz only; other rates must be resampled before encoding. */
export const G711_SAMPLE_RATE_HZ = 8000;

export class G711Error extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'g711_input', cause: options?.cause });
  }
}

// alawmulaw ships CommonJS; the default import is its module object.
const codecs = { mulaw: alawmulaw.mulaw, alaw: alawmulaw.alaw } as const;

/** Compands one PCM16 frame at 8 kHz into G.711 bytes (one byte per sample). */
export function encodeG711(law: G711Law, frame: AudioFrame): Uint8Array {
  if (frame.sampleRateHz !== G711_SAMPLE_RATE_HZ) {
    throw new G711Error(`G.711 needs 8000 Hz audio, got ${frame.sampleRateHz} Hz`);
  }
  return codecs[law].encode(frame.samples);
}

/** Expands G.711 bytes into a PCM16 frame at 8 kHz. */
export function decodeG711(law: G711Law, bytes: Uint8Array): AudioFrame {
  return { samples: codecs[law].decode(bytes), sampleRateHz: G711_SAMPLE_RATE_HZ };
}
