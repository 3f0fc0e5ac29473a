import { Buffer } from 'node:buffer';
import { decodeG711, encodeG711 } from '../../media/g711';
import type { PayloadEncoding } from './framing';

/**
 * Vendor payload bytes ↔ PCM16 samples at the stream's rate. G.711 is one byte per sample; L16 two,
 * little-endian (Vonage, Exotel, Plivo) or big-endian (an RTP L16 payload, Telnyx; RFC 3551 §4.5.11).
 */

/** Bytes per sample of `encoding`'s payload. */
export function bytesPerSample(encoding: PayloadEncoding): number {
  return encoding.codec === 'mulaw' || encoding.codec === 'alaw' ? 1 : 2;
}

/**
 * Samples in `payload`. An L16 payload of odd length loses its last byte (half a sample cannot be
 * played); the caller counts that as a bad message only when nothing is left.
 */
export function decodePayload(encoding: PayloadEncoding, payload: Buffer): Int16Array {
  switch (encoding.codec) {
    case 'mulaw':
    case 'alaw':
      return decodeG711(encoding.codec, payload).samples;
    case 'l16le':
    case 'l16be': {
      const out = new Int16Array(payload.length >> 1);
      const le = encoding.codec === 'l16le';
      for (let i = 0; i < out.length; i++) out[i] = le ? payload.readInt16LE(i * 2) : payload.readInt16BE(i * 2);
      return out;
    }
  }
}

/** The payload for `samples` (at `encoding.sampleRateHz`). */
export function encodePayload(encoding: PayloadEncoding, samples: Int16Array): Buffer {
  switch (encoding.codec) {
    case 'mulaw':
    case 'alaw': {
      const bytes = encodeG711(encoding.codec, { samples, sampleRateHz: encoding.sampleRateHz });
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    case 'l16le':
    case 'l16be': {
      const out = Buffer.allocUnsafe(samples.length * 2);
      const le = encoding.codec === 'l16le';
      for (let i = 0; i < samples.length; i++) {
        if (le) out.writeInt16LE(samples[i] ?? 0, i * 2);
        else out.writeInt16BE(samples[i] ?? 0, i * 2);
      }
      return out;
    }
  }
}
