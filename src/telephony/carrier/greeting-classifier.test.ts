import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import { framesOf } from '../../media/reframer';
import { resampleAll } from '../../media/resampler';
import { addNoise, seededRandom } from '../../media/testing/signals';
import { speakEnglish, speakJapanese } from '../../media/testing/speech';
import type { WavAudio } from '../../media/wav';
import { GreetingClassifier, type GreetingVerdict } from './greeting-classifier';

// Real synthesized speech (open_jtalk, espeak-ng) on an 8 kHz phone line with line noise, then
// silence, as the callee's side of an answered carrier call.

const RATE = 8000;
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-greeting-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The clip at 8 kHz with -40 dB-ish line noise, followed by `silenceMs` of line noise only. */
function phoneLine(audio: WavAudio, silenceMs: number, seed = 7): AudioFrame[] {
  const speech = resampleAll(audio.channels[0]!, audio.sampleRateHz, RATE);
  const all = new Int16Array(speech.length + (silenceMs * RATE) / 1000);
  all.set(speech);
  // A quiet floor under everything (SNR against the speech), so silence is not digital zero.
  const noisy = addNoise(all, 35, seededRandom(seed));
  return framesOf(noisy, RATE);
}

function verdictOf(frames: AudioFrame[]): { verdict: GreetingVerdict | null; atMs: number } {
  const classifier = new GreetingClassifier();
  for (const [i, frame] of frames.entries()) {
    const verdict = classifier.push(frame);
    if (verdict) return { verdict, atMs: (i + 1) * 20 };
  }
  return { verdict: null, atMs: frames.length * 20 };
}

describe('greeting-length heuristic (TELEPHONY.md §6)', () => {
  it('a person answering もしもし and waiting is human', async () => {
    const r = verdictOf(phoneLine(await speakJapanese(dir, 'moshimoshi', 'もしもし'), 3000));
    expect(r.verdict).toBe('human');
  });

  it('はい、山田です and a pause is human', async () => {
    const r = verdictOf(phoneLine(await speakJapanese(dir, 'hai', 'はい、山田です。'), 3000));
    expect(r.verdict).toBe('human');
  });

  it('a Japanese voicemail greeting is a machine, decided before it ends', async () => {
    const greeting = await speakJapanese(
      dir,
      'rusuden',
      'ただいま電話に出ることができません。ピーという発信音のあとに、お名前とご用件をお話しください。',
    );
    const frames = phoneLine(greeting, 1000);
    const r = verdictOf(frames);
    expect(r.verdict).toBe('machine');
    expect(r.atMs).toBeLessThan(frames.length * 20);
  });

  it('"Hello?" is human; an English voicemail greeting is a machine', async () => {
    expect(verdictOf(phoneLine(await speakEnglish(dir, 'hello', 'Hello?'), 3000)).verdict).toBe('human');
    const greeting = await speakEnglish(
      dir,
      'voicemail',
      "Hi, you've reached the voicemail of Taro Yamada. I can't take your call right now, please leave a message after the tone.",
    );
    expect(verdictOf(phoneLine(greeting, 1000)).verdict).toBe('machine');
  });

  it('nobody speaking is unsure (the agent greets and listens), never machine', () => {
    // Line hiss around RMS 60 (of 32767): well below speech, well above digital zero.
    const hiss = addNoise(new Int16Array(RATE * 4).fill(60), 0, seededRandom(3)).map((s) => s - 60);
    expect(verdictOf(framesOf(hiss, RATE)).verdict).toBe('unsure');
  });
});
