import type { Lang } from '../domain/lang';
import type { AudioFrame } from '../media/frame';
import { AizuchiError } from '../domain/errors';

/** What a synthesizer produces for one language: needed by caches (key) and playout (rate). */
export interface SynthesizerInfo {
  /** Engine id, e.g. `openjtalk`, `espeak`. */
  readonly engine: string;
  /** Voice id inside the engine (file name or espeak voice name). */
  readonly voice: string;
  /** Rate of every frame this synthesizer yields for the language (the engine's native rate). */
  readonly sampleRateHz: number;
}

export interface SynthesizeOptions {
  readonly lang: Lang;
  /** Aborting stops the engine and makes the iteration reject with an `AbortError`. */
  readonly signal?: AbortSignal;
  /** Speaking-speed multiplier: 1 = the engine's normal speed, 1.2 = 20 % faster. */
  readonly rate?: number;
}

/**
 * Text in, 20 ms PCM16 mono frames out, at the engine's native rate (the caller resamples). A
 * cache in front of an engine may give a reply it already holds as one longer frame; the last
 * frame may be short. Iteration is lazy: nothing runs until the first frame is pulled.
 */
export interface Synthesizer {
  describe(lang: Lang): SynthesizerInfo;
  synthesize(text: string, opts: SynthesizeOptions): AsyncIterable<AudioFrame>;
}

export type SynthesisErrorCode =
  'empty_text' | 'bad_option' | 'engine_missing' | 'voice_missing' | 'dictionary_missing' | 'engine_failed' | 'bad_output';

/** Typed synthesis failure; `retryable` says whether the same call may succeed later. */
export class SynthesisError extends AizuchiError {
  declare readonly code: SynthesisErrorCode;
  constructor(code: SynthesisErrorCode, message: string, retryable = false, options?: { cause?: unknown }) {
    super(message, { code, retryable, cause: options?.cause });
  }
}

/** Thrown when a synthesis is cancelled through its AbortSignal (same `name` as DOM aborts). */
export class SynthesisAbortedError extends AizuchiError {
  constructor() {
    super('synthesis aborted', { code: 'aborted' });
    this.name = 'AbortError'; // what AbortSignal users test for
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SynthesisAbortedError();
}

/** Checks shared by every engine, so they all reject bad input the same way. */
export function validateSynthesisInput(text: string, opts: SynthesizeOptions): void {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new SynthesisError('empty_text', 'nothing to synthesize: text is empty');
  }
  if (opts.rate !== undefined && !(Number.isFinite(opts.rate) && opts.rate >= 0.25 && opts.rate <= 4)) {
    throw new SynthesisError('bad_option', `rate must be between 0.25 and 4, got ${String(opts.rate)}`);
  }
}
