import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../media/wav';
import { SynthesisError } from '../synthesizer';
import { concatFrames } from '../../media/frame';
import { WavStreamDecoder } from './wav-stream-decoder';

function ramp(length: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => ((i * 37) % 30000) - 15000);
}

function decodeInPieces(bytes: Uint8Array, pieceBytes: number): ReturnType<WavStreamDecoder['end']> {
  const decoder = new WavStreamDecoder('test');
  const frames = [];
  for (let i = 0; i < bytes.length; i += pieceBytes) frames.push(...decoder.push(bytes.subarray(i, i + pieceBytes)));
  frames.push(...decoder.end());
  return frames;
}

describe('WavStreamDecoder', () => {
  it('decodes a WAV fed in odd-sized pieces into exact 20 ms frames', () => {
    const samples = ramp(1000);
    const bytes = encodeWav({ sampleRateHz: 16_000, channels: [samples] });
    for (const piece of [1, 3, 7, 45, 4096]) {
      const frames = decodeInPieces(bytes, piece);
      expect(frames.every((f) => f.samples.length === 320 && f.sampleRateHz === 16_000)).toBe(true);
      const all = concatFrames(frames);
      expect(all.length).toBe(1280);
      expect([...all.subarray(0, 1000)]).toEqual([...samples]);
      expect(all.subarray(1000).every((s) => s === 0)).toBe(true);
    }
  });

  it('reads to the end of the stream when the size is espeak’s streaming placeholder', () => {
    const bytes = Buffer.from(encodeWav({ sampleRateHz: 22_050, channels: [ramp(882)] }));
    bytes.writeUInt32LE(0x7ffff000, 40);
    bytes.writeUInt32LE(0x7ffff024, 4);
    expect(concatFrames(decodeInPieces(bytes, 100))).toHaveLength(882);
  });

  it('ignores bytes after the declared data chunk', () => {
    const bytes = Buffer.concat([Buffer.from(encodeWav({ sampleRateHz: 8000, channels: [ramp(160)] })), Buffer.from('LIST0000junk')]);
    expect(concatFrames(decodeInPieces(bytes, 50))).toHaveLength(160);
  });

  it('rejects output that is not PCM16 mono WAV with a typed error', () => {
    const stereo = encodeWav({ sampleRateHz: 8000, channels: [ramp(10), ramp(10)] });
    expect(() => decodeInPieces(stereo, 64)).toThrow(SynthesisError);
    expect(() => decodeInPieces(Buffer.from('not a wav file at all'), 64)).toThrow(/not a RIFF/);
    expect(() => new WavStreamDecoder('x').end()).toThrow(/header/);
  });
});
