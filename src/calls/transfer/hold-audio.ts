import type { AudioFrame } from '../../media/frame';
import { samplesPerFrame } from '../../media/frame';

/** One cycle of the hold chime: two soft notes (C5, E5) of 400 ms each with 100 ms rests, 1 s in all. */
const NOTES = [
  { hz: 523.25, fromMs: 0, toMs: 400 },
  { hz: 659.25, fromMs: 500, toMs: 900 },
] as const;
const CYCLE_MS = 1000;
/** About −18 dBFS: audible over a phone line without startling anyone who holds the phone close. */
const AMPLITUDE = 4000;
/** Fade in/out per note, so the notes start and stop without a click. */
const FADE_MS = 40;

/**
 * What a caller hears while operators are offered the call (issue 10: "hold audio, not silence"):
 * a gentle repeating two-note chime, generated at the caller's rate, one 20 ms frame per call.
 */
export function holdAudio(sampleRateHz: number): { next(): AudioFrame } {
  const size = samplesPerFrame(sampleRateHz);
  let n = 0;
  return {
    next() {
      const samples = new Int16Array(size);
      for (let i = 0; i < size; i++, n++) {
        const ms = ((n * 1000) / sampleRateHz) % CYCLE_MS;
        const note = NOTES.find((x) => ms >= x.fromMs && ms < x.toMs);
        if (!note) continue;
        const envelope = Math.min(1, (ms - note.fromMs) / FADE_MS, (note.toMs - ms) / FADE_MS);
        samples[i] = Math.round(AMPLITUDE * envelope * Math.sin((2 * Math.PI * note.hz * n) / sampleRateHz));
      }
      return { samples, sampleRateHz };
    },
  };
}
