import { describe, expect, it } from 'vitest';
import { decodeG711, encodeG711, G711Error, type G711Law } from './g711';
import { samplesPerFrame } from './frame';

function sineFrame(freqHz: number, amplitude: number): Int16Array {
  const n = samplesPerFrame(8000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freqHz * i) / 8000));
  return out;
}

function snrDb(ref: Int16Array, got: Int16Array): number {
  let sig = 0;
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] ?? 0;
    sig += r * r;
    err += (r - (got[i] ?? 0)) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

describe.each<G711Law>(['mulaw', 'alaw'])('%s', (law) => {
  it('encodes a 20 ms frame into one byte per sample', () => {
    const bytes = encodeG711(law, { samples: sineFrame(1000, 10000), sampleRateHz: 8000 });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBe(160);
  });

  it('round-trips speech-level audio with the ~35 dB SNR that G.711 promises', () => {
    for (const amplitude of [1000, 8000, 30000]) {
      const ref = sineFrame(1000, amplitude);
      const back = decodeG711(law, encodeG711(law, { samples: ref, sampleRateHz: 8000 }));
      expect(back.sampleRateHz).toBe(8000);
      expect(back.samples.length).toBe(160);
      expect(snrDb(ref, back.samples)).toBeGreaterThan(30);
    }
  });

  it('is stable after one round trip (decoded values re-encode to the same bytes)', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const again = encodeG711(law, decodeG711(law, bytes));
    // μ-law has two codes for zero (0x7f and 0xff); everything else must map back exactly.
    const decodedAgain = decodeG711(law, again).samples;
    expect(Array.from(decodedAgain)).toEqual(Array.from(decodeG711(law, bytes).samples));
  });

  it('refuses audio that is not 8 kHz', () => {
    expect(() => encodeG711(law, { samples: new Int16Array(320), sampleRateHz: 16000 })).toThrow(G711Error);
  });
});

it('μ-law and A-law are different codes', () => {
  const frame = { samples: sineFrame(440, 5000), sampleRateHz: 8000 };
  expect(Array.from(encodeG711('mulaw', frame))).not.toEqual(Array.from(encodeG711('alaw', frame)));
});
