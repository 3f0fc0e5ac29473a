/** The one audio format inside aizuchi: 20 ms of PCM16 mono; the rate travels with the frame. */
export interface AudioFrame {
  readonly samples: Int16Array;
  readonly sampleRateHz: number;
}

export const FRAME_MS = 20;

export function samplesPerFrame(sampleRateHz: number): number {
  return (sampleRateHz * FRAME_MS) / 1000;
}

/** Joins sample arrays end to end into one new array (the inputs are not changed). */
export function concatSamples(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Joins frames back into one sample array (rates are not checked: frames of one stream share one). */
export function concatFrames(frames: readonly AudioFrame[]): Int16Array {
  return concatSamples(frames.map((frame) => frame.samples));
}
