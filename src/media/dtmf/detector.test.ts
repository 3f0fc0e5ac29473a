import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectDtmf, DtmfDetector, type DtmfEvent } from './detector';
import { dualTone, generateDtmf } from './generator';
import { decodeG711, encodeG711, type G711Law } from '../g711';
import { resampleAll } from '../resampler';
import { addNoise, seededRandom } from '../testing/signals';
import { speakEnglish, speakJapanese } from '../testing/speech';
import { concatSamples } from '../frame';

const ALL = '0123456789*#ABCD';
const digits = (events: DtmfEvent[]) => events.map((e) => e.digit).join('');
const g711 = (law: G711Law, samples: Int16Array) => decodeG711(law, encodeG711(law, { samples, sampleRateHz: 8000 })).samples;

describe('valid key presses', () => {
  it('hears all sixteen keys with start and end times', () => {
    const events = detectDtmf(generateDtmf(ALL, { durationMs: 80, gapMs: 70 }), 8000);
    expect(digits(events)).toBe(ALL);
    events.forEach((e, i) => {
      expect(Math.abs(e.startMs - i * 150)).toBeLessThanOrEqual(10);
      expect(Math.abs(e.endMs - (i * 150 + 80))).toBeLessThanOrEqual(10);
    });
  });

  it.each([8000, 16000, 24000, 48000])('works on %i Hz frames and reports times in stream time', (rate) => {
    const events = detectDtmf(concatSamples([new Int16Array(rate / 10), generateDtmf('12675693', { sampleRateHz: rate })]), rate);
    expect(digits(events)).toBe('12675693');
    expect(Math.abs((events[0]?.startMs ?? -1) - 100)).toBeLessThanOrEqual(10);
  });

  it.each([-0.015, 0.015])('accepts a frequency deviation of %f (Q.24 operate limit)', (deviation) => {
    expect(digits(detectDtmf(generateDtmf(ALL, { frequencyDeviation: deviation }), 8000))).toBe(ALL);
  });

  it.each([-8, 4])('accepts twist of %i dB', (twistDb) => {
    expect(digits(detectDtmf(generateDtmf(ALL, { twistDb }), 8000))).toBe(ALL);
  });

  it('accepts 40 ms tones with 40 ms pauses at any alignment, after G.711', () => {
    for (let leadSamples = 0; leadSamples < 80; leadSamples += 13) {
      const signal = concatSamples([new Int16Array(leadSamples), generateDtmf(ALL, { durationMs: 40, gapMs: 40 })]);
      expect(digits(detectDtmf(g711('mulaw', signal), 8000))).toBe(ALL);
    }
  });

  it('survives 15 dB SNR noise and G.711 at the tolerance corners', () => {
    const random = seededRandom(2024);
    for (const law of ['mulaw', 'alaw'] as const) {
      for (const frequencyDeviation of [-0.015, 0, 0.015]) {
        for (const twistDb of [-8, 0, 4]) {
          const levelDb = -6 - random() * 20;
          const clean = concatSamples([
            new Int16Array(Math.floor(random() * 80)),
            generateDtmf(ALL, { frequencyDeviation, twistDb, levelDb, durationMs: 60, gapMs: 40 }),
          ]);
          expect(digits(detectDtmf(g711(law, addNoise(clean, 15, random)), 8000)), `${law} ${frequencyDeviation} ${twistDb}`).toBe(ALL);
        }
      }
    }
  });
});

describe('rejection', () => {
  it.each([-0.07, -0.05, -0.035, 0.035, 0.05, 0.07])('rejects a frequency deviation of %f, even with noise', (deviation) => {
    const random = seededRandom(11);
    expect(digits(detectDtmf(addNoise(generateDtmf(ALL, { frequencyDeviation: deviation }), 15, random), 8000))).toBe('');
  });

  it.each([-14, 10])('rejects twist of %i dB', (twistDb) => {
    expect(digits(detectDtmf(generateDtmf(ALL, { twistDb }), 8000))).toBe('');
  });

  it('rejects tones that are too short or too quiet, and noise alone', () => {
    expect(digits(detectDtmf(generateDtmf('1234', { durationMs: 20, gapMs: 60 }), 8000))).toBe('');
    expect(digits(detectDtmf(generateDtmf('1234', { levelDb: -50 }), 8000))).toBe('');
    const random = seededRandom(3);
    expect(digits(detectDtmf(addNoise(dualTone(1000, 1000, 3000, { levelDb: -10 }), -40, random), 8000))).toBe('');
  });
});

describe('key holding and repeats', () => {
  it('reports a held key once', () => {
    expect(digits(detectDtmf(generateDtmf('5', { durationMs: 3000 }), 8000))).toBe('5');
  });

  it('reports "11" pressed twice with a 40 ms pause as two digits', () => {
    expect(digits(detectDtmf(generateDtmf('11', { durationMs: 100, gapMs: 40 }), 8000))).toBe('11');
  });

  it('bridges a 10 ms dropout inside a key press', () => {
    const tone = generateDtmf('9', { durationMs: 100, gapMs: 0 });
    const signal = concatSamples([tone, new Int16Array(80), tone, new Int16Array(800)]);
    expect(digits(detectDtmf(signal, 8000))).toBe('9');
  });

  it('exposes the key being held before it is released, and flush ends it', () => {
    const detector = new DtmfDetector();
    const tone = generateDtmf('#', { durationMs: 200, gapMs: 0 });
    const events = [];
    for (let i = 0; i < tone.length; i += 160) events.push(...detector.process({ samples: tone.subarray(i, i + 160), sampleRateHz: 8000 }));
    expect(events).toEqual([]);
    expect(detector.activeDigit).toBe('#');
    expect(digits(detector.flush())).toBe('#');
    expect(detector.activeDigit).toBeNull();
  });
});

describe('talk-off: speech and music never produce digits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aizuchi-dtmf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stays silent on English speech (espeak-ng, several voices), also after 8 kHz μ-law', async () => {
    const text =
      'Please enter the six digit code from your app, then press pound. One two three four five six seven eight nine zero. Eeee, oooh, aaah, mmm.';
    for (const voice of ['en', 'en-us', 'en+f3', 'en+m3', 'en+f5']) {
      const audio = await speakEnglish(dir, voice.replace('+', '_'), text, voice);
      const samples = audio.channels[0] ?? new Int16Array(0);
      expect(detectDtmf(samples, audio.sampleRateHz)).toEqual([]);
      expect(detectDtmf(g711('mulaw', resampleAll(samples, audio.sampleRateHz, 8000)), 8000)).toEqual([]);
    }
  });

  it('stays silent on Japanese speech (open_jtalk)', async () => {
    const text = '認証コードを入力してください。一二三四五六七八九零。あーいーうーえーおー、もしもし、聞こえますか。';
    const audio = await speakJapanese(dir, 'ja', text);
    expect(detectDtmf(audio.channels[0] ?? new Int16Array(0), audio.sampleRateHz)).toEqual([]);
  });

  it('stays silent on sustained vowel-like harmonic signals across the voice range', () => {
    const random = seededRandom(9);
    const resonance = (f: number, centreHz: number, bandwidthHz: number) =>
      1 / Math.sqrt((1 - (f / centreHz) ** 2) ** 2 + ((f * bandwidthHz) / centreHz ** 2) ** 2);
    for (let f0 = 80; f0 <= 320; f0 += 1.3) {
      const formants = [
        [300 + random() * 700, 50 + random() * 70],
        [900 + random() * 1600, 60 + random() * 80],
        [2500 + random() * 900, 100 + random() * 100],
      ] as const;
      const out = new Float64Array(2400);
      for (let k = 1; k * f0 < 3800; k++) {
        const amp = formants.reduce((a, [c, b]) => a * resonance(k * f0, c, b), 1 / k);
        for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + amp * Math.sin((2 * Math.PI * k * f0 * i) / 8000);
      }
      const peak = out.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const vowel = Int16Array.from(out, (v) => Math.round((v / peak) * 20000));
      expect(detectDtmf(vowel, 8000), `f0 ${f0}`).toEqual([]);
    }
  });

  it('stays silent on two-note chords with harmonics over three octaves', () => {
    const note = (midi: number) => 440 * 2 ** ((midi - 69) / 12);
    for (const harmonics of [
      [1, 0.5, 0.33, 0.25],
      [1, 0.3, 0.1],
    ]) {
      for (let a = 64; a <= 96; a++) {
        for (let b = a + 1; b <= 100; b += 1) {
          const out = new Float64Array(1600);
          for (const f of [note(a), note(b)]) {
            harmonics.forEach((amp, h) => {
              if (f * (h + 1) >= 3900) return;
              for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + amp * Math.sin((2 * Math.PI * f * (h + 1) * i) / 8000);
            });
          }
          const peak = out.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          const chord = Int16Array.from(out, (v) => Math.round((v / peak) * 20000));
          expect(detectDtmf(chord, 8000), `notes ${a}+${b}`).toEqual([]);
        }
      }
    }
  });
});
