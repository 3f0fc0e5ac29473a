import type { Lang } from '../../domain/lang';
import type { Synthesizer } from '../synthesizer';

export interface RealTimeFactorResult {
  /** Wall time from the call until the last frame. */
  readonly synthesisMs: number;
  /** Wall time until the first frame: what a caller waits before hearing anything. */
  readonly firstFrameMs: number;
  /** Duration of the audio produced. */
  readonly audioMs: number;
  /** synthesisMs / audioMs: below 1 means faster than real time. */
  readonly realTimeFactor: number;
}

/** Measures one synthesis for benchmarks (bench/), never for assertions in tests. */
export async function ttsRealTimeFactor(
  synth: Synthesizer,
  text: string,
  lang: Lang,
  nowMs: () => number = () => performance.now(),
): Promise<RealTimeFactorResult> {
  const started = nowMs();
  let firstFrameMs = Number.NaN;
  let audioMs = 0;
  for await (const frame of synth.synthesize(text, { lang })) {
    if (Number.isNaN(firstFrameMs)) firstFrameMs = nowMs() - started;
    audioMs += (frame.samples.length / frame.sampleRateHz) * 1000;
  }
  const synthesisMs = nowMs() - started;
  return { synthesisMs, firstFrameMs, audioMs, realTimeFactor: audioMs > 0 ? synthesisMs / audioMs : Number.POSITIVE_INFINITY };
}
