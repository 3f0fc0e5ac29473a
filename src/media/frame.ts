/** The one audio format inside aizuchi: 20 ms of PCM16 mono; the rate travels with the frame. */
export interface AudioFrame {
  readonly samples: Int16Array;
  readonly sampleRateHz: number;
}

export const FRAME_MS = 20;

export function samplesPerFrame(sampleRateHz: number): number {
  return (sampleRateHz * FRAME_MS) / 1000;
}
