import { LRUCache } from 'lru-cache';
import { concatSamples, type AudioFrame } from '../../media/frame';
import { Reframer } from '../../media/reframer';
import { StreamingResampler } from '../../media/resampler';
import type { Synthesizer } from '../../speech/synthesizer';

/**
 * The synthesizer as calls consume it: frames at the media chain's rate, with whole replies kept
 * after resampling. Fixed prompts are said on every call; resampling a 48 kHz clip for each of
 * hundreds of calls cost more CPU than everything else in the chain, so it is done once per text.
 * A reply the cache holds comes back as ONE frame with the whole reply (the Synthesizer contract
 * allows it): walking a 7 s prompt as 350 frames of an async generator cost each call a promise
 * and a queue append per 20 ms of speech, more allocation than the call's own media path.
 * Consumers must not write into the frames: a cached reply is shared by every call that says it.
 */
export function internalRateSynthesizer(inner: Synthesizer, sampleRateHz: number, options: { maxBytes?: number } = {}): Synthesizer {
  const cache = new LRUCache<string, Int16Array>({
    maxSize: options.maxBytes ?? 32 * 1024 * 1024,
    sizeCalculation: (samples) => Math.max(1, samples.byteLength),
  });

  async function* run(text: string, opts: Parameters<Synthesizer['synthesize']>[1]): AsyncGenerator<AudioFrame> {
    const key = JSON.stringify([opts.lang, opts.rate ?? 1, text]);
    const hit = cache.get(key);
    if (hit) {
      yield { samples: hit, sampleRateHz };
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
    if (!opts.signal?.aborted) cache.set(key, concatSamples(collected));
  }

  return {
    describe: (lang) => ({ ...inner.describe(lang), sampleRateHz }),
    synthesize: (text, opts) => run(text, opts),
  };
}
