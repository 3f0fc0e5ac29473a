import type { AudioFrame } from '../../media/frame';
import { SynthesisAbortedError, throwIfAborted, validateSynthesisInput, type SynthesizeOptions, type Synthesizer } from '../synthesizer';
import { splitSentences, type SentenceSplitOptions } from './sentences';

/**
 * Speaks a reply sentence by sentence: the first sentence's audio leaves as soon as it exists,
 * and the next sentence is synthesized (one ahead, no more) while the current one plays, so a
 * barge-in wastes at most one sentence of work.
 */
export function sentenceStreaming(inner: Synthesizer, options: SentenceSplitOptions = {}): Synthesizer {
  async function* run(text: string, opts: SynthesizeOptions): AsyncGenerator<AudioFrame> {
    validateSynthesisInput(text, opts);
    throwIfAborted(opts.signal);
    const pieces = splitSentences(text, options);
    const internal = new AbortController();
    const forward = (): void => internal.abort();
    opts.signal?.addEventListener('abort', forward, { once: true });
    const innerOpts: SynthesizeOptions = { ...opts, signal: internal.signal };
    const start = (index: number): SentencePump | undefined => {
      const piece = pieces[index];
      if (piece === undefined || internal.signal.aborted) return undefined;
      return new SentencePump(inner.synthesize(piece, innerOpts));
    };
    try {
      let current = start(0);
      for (let index = 0; current; index++) {
        let next: SentencePump | undefined;
        const startNext = (): void => {
          next ??= start(index + 1);
        };
        let first = true;
        for await (const frame of current.frames()) {
          if (opts.signal?.aborted) throw new SynthesisAbortedError();
          yield frame;
          if (first) {
            first = false;
            // Runs when the listener pulls again, i.e. once the first frame has really left.
            current.produced.then(startNext, () => {});
          }
        }
        startNext();
        current = next;
      }
      throwIfAborted(opts.signal);
    } finally {
      opts.signal?.removeEventListener('abort', forward);
      internal.abort();
    }
  }

  return {
    describe: (lang) => inner.describe(lang),
    synthesize: (text, opts) => run(text, opts),
  };
}

/** Pulls one sentence's frames eagerly into memory so synthesis runs ahead of playback. */
class SentencePump {
  private readonly queue: AudioFrame[] = [];
  private failure: { error: unknown } | undefined;
  private ended = false;
  private wake: (() => void) | undefined;
  /** Settles when the engine has produced every frame of this sentence (or failed). */
  readonly produced: Promise<void>;

  constructor(source: AsyncIterable<AudioFrame>) {
    this.produced = this.pump(source);
    this.produced.catch(() => {});
  }

  async *frames(): AsyncGenerator<AudioFrame> {
    for (;;) {
      const frame = this.queue.shift();
      if (frame) {
        yield frame;
        continue;
      }
      if (this.failure) throw this.failure.error;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private async pump(source: AsyncIterable<AudioFrame>): Promise<void> {
    try {
      for await (const frame of source) {
        this.queue.push(frame);
        this.notify();
      }
      this.ended = true;
    } catch (error) {
      this.failure = { error };
      throw error;
    } finally {
      this.notify();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
