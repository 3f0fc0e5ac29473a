import type { Lang } from '../../domain/lang';
import { samplesPerFrame, type AudioFrame } from '../../media/frame';
import { SynthesisAbortedError, throwIfAborted, validateSynthesisInput, type SynthesizeOptions, type Synthesizer } from '../synthesizer';

/**
 * Test fake: a tone whose length follows the text (`msPerChar`), with scripted pauses and failures.
 * It keeps the synthesizer contract (checked by the conformance suite) so tests can trust it.
 */
export interface ScriptedSynthesizerOptions {
  readonly sampleRateHz?: number;
  readonly msPerChar?: number;
  /** Awaited before each frame; lets a test hold the engine at a known point. */
  readonly beforeFrame?: (text: string, frameIndex: number) => Promise<void> | void;
  /** Called when a synthesis starts (like an engine process being spawned). */
  readonly onStart?: (text: string) => void;
  /** Return an error to make the synthesis of that text fail after its first frame. */
  readonly failFor?: (text: string) => Error | undefined;
}

export function createScriptedSynthesizer(options: ScriptedSynthesizerOptions = {}): Synthesizer & { readonly calls: string[] } {
  const sampleRateHz = options.sampleRateHz ?? 16_000;
  const msPerChar = options.msPerChar ?? 80;
  const calls: string[] = [];

  async function* run(text: string, opts: SynthesizeOptions): AsyncGenerator<AudioFrame> {
    validateSynthesisInput(text, opts);
    throwIfAborted(opts.signal);
    calls.push(text);
    options.onStart?.(text);
    const frameCount = Math.max(1, Math.round((text.trim().length * msPerChar) / 20 / (opts.rate ?? 1)));
    const perFrame = samplesPerFrame(sampleRateHz);
    const failure = options.failFor?.(text);
    for (let index = 0; index < frameCount; index++) {
      await options.beforeFrame?.(text, index);
      // Yield to the event loop like a real engine does, so aborts can land between frames.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) throw new SynthesisAbortedError();
      if (failure && index === 1) throw failure;
      const samples = new Int16Array(perFrame);
      for (let i = 0; i < perFrame; i++) {
        samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (index * perFrame + i)) / sampleRateHz));
      }
      yield { samples, sampleRateHz };
    }
  }

  return {
    calls,
    describe: (_lang: Lang) => ({ engine: 'scripted', voice: 'tone', sampleRateHz }),
    synthesize: (text, opts) => run(text, opts),
  };
}
