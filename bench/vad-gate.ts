import { realSpeech } from '../src/calls/voice/testing/voice-test-kit';
import { concatSamples } from '../src/media/frame';
import { addNoise, chunks, seededRandom } from '../src/media/testing/signals';
import { EnergyGate } from '../src/media/vad/energy-gate';
import { Endpointer } from '../src/media/vad/endpointer';
import type { SileroVadModel } from '../src/media/vad/silero-vad';
import { round } from './stats';

/** The bench's speech set: caller turns in both languages, as the voice load bench's caller speaks. */
const SENTENCES: Array<{ text: string; lang: 'ja' | 'en' }> = [
  { text: 'はい、エム、エー、ティー、ティー、ワイ、アットマーク、ジーメールドットコムです。', lang: 'ja' },
  { text: 'あ、そうです、猪股です。', lang: 'ja' },
  { text: 'いち、に、ろく、なな。', lang: 'ja' },
  { text: '大丈夫です。', lang: 'ja' },
  { text: 'Hello, I would like to reset my authenticator, please.', lang: 'en' },
  { text: 'Yes, that is right.', lang: 'en' },
  { text: 'My address is m a t t y at gmail dot com.', lang: 'en' },
  { text: 'One two six seven.', lang: 'en' },
];

/** Background per condition: digital silence (a softphone), then room noise at falling speech-to-noise ratios. */
const CONDITIONS: Array<{ name: string; snrDb: number | null }> = [
  { name: 'clean', snrDb: null },
  { name: 'snr 20 dB', snrDb: 20 },
  { name: 'snr 10 dB', snrDb: 10 },
  { name: 'snr 5 dB', snrDb: 5 },
];

export interface GateRecall {
  /** Caller turns in the set (every sentence under every condition). */
  turns: number;
  /** Share of turns whose start the endpointer finds (within -100..+300 ms of the true onset), without and with the gate. */
  recallWithout: number;
  recallWith: number;
  /** Share of Silero windows the gate answered without the model (warm-up windows count as inferred). */
  inferencesSaved: number;
  perCondition: Record<string, { recallWithout: number; recallWith: number; inferencesSaved: number }>;
}

/**
 * Recall of speech starts with and without the energy gate on the bench's speech set: every sentence
 * is a caller turn after a pause, in silence and in noise; the endpointer (700 ms silence, as in
 * service) runs on Silero's probabilities for every window, and on the gated ones. A turn counts as
 * found when a speech start falls within -100..+300 ms of its true onset (the first 20 ms frame of the
 * clean sentence above -45 dBFS).
 */
export async function benchVadGate(model: SileroVadModel, dir: string): Promise<GateRecall> {
  const speech = await Promise.all(SENTENCES.map((s, i) => realSpeech(dir, `gate-${i}`, s.text, s.lang, 16000)));
  const pause = (ms: number) => new Int16Array((ms * 16000) / 1000);
  // Two turns per signal, after pauses that let the gate learn the floor and close.
  const cases = speech.map((first, i) => {
    const second = speech[(i + 3) % speech.length] as Int16Array;
    const secondAtMs = 1500 + first.length / 16 + 1200;
    return {
      signal: concatSamples([pause(1500), first, pause(1200), second, pause(1000)]),
      onsetsMs: [1500 + firstVoicedMs(first), secondAtMs + firstVoicedMs(second)],
    };
  });
  const total = { turns: 0, without: 0, with: 0, inferred: 0, skipped: 0 };
  const perCondition: GateRecall['perCondition'] = {};
  for (const [c, condition] of CONDITIONS.entries()) {
    const sub = { turns: 0, without: 0, with: 0, inferred: 0, skipped: 0 };
    for (const [i, { signal: clean, onsetsMs }] of cases.entries()) {
      const signal = condition.snrDb === null ? clean : addNoise(clean, condition.snrDb, seededRandom(100 * c + i));
      const gate = new EnergyGate();
      const reference = await starts(model, signal, null);
      const gated = await starts(model, signal, gate);
      const found = (startsMs: number[]) => onsetsMs.filter((t) => startsMs.some((s) => s >= t - 100 && s <= t + 300)).length;
      sub.turns += onsetsMs.length;
      sub.without += found(reference);
      sub.with += found(gated);
      sub.inferred += gate.inferred;
      sub.skipped += gate.skipped;
    }
    perCondition[condition.name] = {
      recallWithout: round(sub.without / sub.turns, 3),
      recallWith: round(sub.with / sub.turns, 3),
      inferencesSaved: round(sub.skipped / Math.max(1, sub.inferred + sub.skipped), 3),
    };
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += sub[k];
  }
  return {
    turns: total.turns,
    recallWithout: round(total.without / total.turns, 3),
    recallWith: round(total.with / total.turns, 3),
    inferencesSaved: round(total.skipped / Math.max(1, total.inferred + total.skipped), 3),
    perCondition,
  };
}

/** Start (ms) of the first 20 ms frame above -45 dBFS: where the synthesized sentence really begins. */
function firstVoicedMs(samples: Int16Array): number {
  const frames = chunks(samples, 320);
  const threshold = 32768 * 10 ** (-45 / 20);
  const at = frames.findIndex((f) => Math.sqrt(f.reduce((sum, x) => sum + x * x, 0) / f.length) > threshold);
  return Math.max(0, at) * 20;
}

/** Speech start times (ms) the endpointer finds on `signal` (16 kHz), with or without a gate. */
async function starts(model: SileroVadModel, signal: Int16Array, gate: EnergyGate | null): Promise<number[]> {
  const detector = model.createDetector(gate ? { gate } : {});
  const endpointer = new Endpointer({ silenceMs: 700 });
  const found: number[] = [];
  for (const frame of chunks(signal, 320)) {
    if (frame.length < 320) break;
    const p = await detector.process({ samples: frame, sampleRateHz: 16000 });
    for (const event of endpointer.push(p)) if (event.type === 'speechStart') found.push(event.atMs);
  }
  return found;
}
