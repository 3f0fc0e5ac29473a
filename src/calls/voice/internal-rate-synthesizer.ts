import { LRUCache } from 'lru-cache';
import type { AudioFrame } from '../../media/frame';
import { Reframer } from '../../media/reframer';
import { StreamingResampler } from '../../media/resampler';
import type { Synthesizer } from '../../speech/synthesizer';

/**
 * The synthesizer as calls consume it: frames at the media chain's rate, with whole replies kept
 * after resampling. Fixed prompts are said on every call; resampling a 48 kHz clip for each of
 * hundreds of calls cost more CPU than everything else in the chain, so it is done once per text.
 */
export function internalRateSynthesizer(inner: Synthesizer, sampleRateHz: number, options: { maxBytes?: number } = {}): Synthesizer {
  const cache = new LRUCache<string, Int16Array[]>({
    maxSize: options.maxBytes ?? 32 * 1024 * 1024,
    sizeCalculation: (frames) =>
      Math.max(
        1,
        frames.reduce((n, f) => n + f.byteLength, 0),
      ),
  });

  async function* run(text: string, opts: Parameters<Synthesizer['synthesize']>[1]): AsyncGenerator<AudioFrame> {
    const key = JSON.stringify([opts.lang, opts.rate ?? 1, text]);
    const hit = cache.get(key);
    if (hit) {
      for (const samples of hit) yield { samples, sampleRateHz };
      return;
    }
    const collected: Int16Array[] = [];
    const framer = new Reframer(sampleRateHz);
    let resampler = null as StreamingResampler | null;
    for await (const frame of inner.synthesize(text, opts)) {
      let samples = frame.samples;
      if (frame.sampleRateHz !== sampleRateHz) {
        if (resampler?.inputRateHz !== frame.sampleRateHz) resampler = new StreamingResampler(frame.sampleRateHz, sampleRateHz);
        samples = resampler.process(samples);
      }
      for (const out of framer.push(samples)) {
        collected.push(out.samples);
        yield out;
      }
    }
    // Push the filter's delayed tail out, then the last partial frame.
    if (resampler)
      for (const out of framer.push(
        resampler.process(new Int16Array(Math.ceil((resampler.delayOutputSamples * resampler.inputRateHz) / sampleRateHz) + 1)),
      )) {
        collected.push(out.samples);
        yield out;
      }
    const last = framer.flush();
    if (last) {
      collected.push(last.samples);
      yield last;
    }
    if (!opts.signal?.aborted) cache.set(key, collected);
  }

  return {
    describe: (lang) => ({ ...inner.describe(lang), sampleRateHz }),
    synthesize: (text, opts) => run(text, opts),
  };
}
