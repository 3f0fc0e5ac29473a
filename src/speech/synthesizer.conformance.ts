import { expect, it } from 'vitest';
import type { Lang } from '../domain/lang';
import { FRAME_MS, samplesPerFrame, type AudioFrame } from '../media/frame';
import { isAbortError, SynthesisError, type Synthesizer } from './synthesizer';

export interface SynthesizerConformanceOptions {
  readonly lang: Lang;
  /** A short sentence in `lang`. */
  readonly text: string;
  /** Text long enough that synthesis is still running when we abort. */
  readonly longText: string;
}

/**
 * The contract every synthesizer (real engine, decorator or test fake) must keep.
 * Call inside a `describe` block; `create` builds a fresh synthesizer per test.
 */
export function synthesizerConformance(create: () => Synthesizer, options: SynthesizerConformanceOptions): void {
  const { lang, text, longText } = options;

  it('yields whole 20 ms PCM16 frames at the declared rate', async () => {
    const synth = create();
    const rateHz = synth.describe(lang).sampleRateHz;
    const frames = await collect(synth.synthesize(text, { lang }));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) {
      expect(frame.samples).toBeInstanceOf(Int16Array);
      expect(frame.sampleRateHz).toBe(rateHz);
      expect(frame.samples.length).toBe(samplesPerFrame(rateHz));
    }
    expect(FRAME_MS).toBe(20);
  });

  it('produces audible audio for non-empty text', async () => {
    const frames = await collect(create().synthesize(text, { lang }));
    expect(peakOf(frames)).toBeGreaterThan(1000);
    const durationMs = frames.length * FRAME_MS;
    expect(durationMs).toBeGreaterThan(100);
  });

  it('names its engine and voice', () => {
    const info = create().describe(lang);
    expect(info.engine).not.toBe('');
    expect(info.voice).not.toBe('');
  });

  it('rejects empty and blank text with a typed error', async () => {
    for (const blank of ['', '   \n ']) {
      const error = await collect(create().synthesize(blank, { lang })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SynthesisError);
      expect((error as SynthesisError).code).toBe('empty_text');
    }
  });

  it('rejects an out-of-range rate with a typed error', async () => {
    const error = await collect(create().synthesize(text, { lang, rate: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynthesisError);
    expect((error as SynthesisError).code).toBe('bad_option');
  });

  it('rejects at once with AbortError when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await collect(create().synthesize(text, { lang, signal: controller.signal })).catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
  });

  it('stops with AbortError when aborted mid-stream', async () => {
    const controller = new AbortController();
    const received: AudioFrame[] = [];
    const error = await (async () => {
      for await (const frame of create().synthesize(longText, { lang, signal: controller.signal })) {
        received.push(frame);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(received).toHaveLength(1);
  });

  it('stops with AbortError when aborted before the first frame', async () => {
    const controller = new AbortController();
    const iterator = create().synthesize(longText, { lang, signal: controller.signal })[Symbol.asyncIterator]();
    const first = iterator.next();
    controller.abort();
    const error = await first.then(async () => iterator.next()).catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
  });

  it('lets the consumer stop early without error, and works again afterwards', async () => {
    const synth = create();
    for await (const _frame of synth.synthesize(longText, { lang })) break;
    const frames = await collect(synth.synthesize(text, { lang }));
    expect(frames.length).toBeGreaterThan(0);
  });

  it('speaks faster with a higher rate', async () => {
    const synth = create();
    const normal = await collect(synth.synthesize(longText, { lang }));
    const fast = await collect(synth.synthesize(longText, { lang, rate: 2 }));
    expect(fast.length).toBeLessThan(normal.length);
  });
}

async function collect(frames: AsyncIterable<AudioFrame>): Promise<AudioFrame[]> {
  const out: AudioFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

function peakOf(frames: readonly AudioFrame[]): number {
  let peak = 0;
  for (const frame of frames) for (const sample of frame.samples) peak = Math.max(peak, Math.abs(sample));
  return peak;
}
