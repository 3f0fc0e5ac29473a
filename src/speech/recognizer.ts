import type { AudioFrame } from '../media/frame';
import type { Lang } from '../domain/lang';
import { AizuchiError } from '../domain/errors';

/**
 * Speech recognition behind one narrow interface. Engines live in their own folders
 * (whisper-http/, deepgram/, sherpa-onnx/, fake/); nothing here knows a vendor.
 *
 * Times in a Hypothesis are milliseconds of *audio* since the stream started (not wall
 * clock), so they line up with the frames the caller wrote.
 */
export interface Hypothesis {
  readonly text: string;
  /** A final hypothesis will not change any more; interim ones may be replaced. */
  readonly isFinal: boolean;
  /** 0..1 when the engine reports one. */
  readonly confidence?: number;
  readonly startMs: number;
  readonly endMs: number;
  /**
   * True when the engine itself judged the speaker finished (endpointing), not just the
   * segment. Engines without endpointing leave it unset; the VAD upstream decides then.
   */
  readonly endOfSpeech?: boolean;
}

export interface RecognizerStartOptions {
  readonly lang: Lang;
  readonly sampleRateHz: number;
  /** Words likely to be said (domain names, letter names); engines that can't bias ignore them. */
  readonly hints?: readonly string[];
  /** Aborting ends `results` quietly and releases the engine; later writes are ignored. */
  readonly signal?: AbortSignal;
}

export interface RecognizerStream {
  /** Throws RecognizerError('bad-input') for a frame at another rate or a write after end(). */
  write(frame: AudioFrame): void;
  /** No more audio: `results` yields what is left, then completes. Idempotent. */
  end(): void;
  /**
   * Streaming engines only: the caller's turn ended, so deliver finals for the audio so far and keep
   * the stream open for the next turn (Deepgram's `Finalize` message). Engines that take one
   * utterance per stream leave it out, and the voice path then opens a stream per turn.
   */
  finalize?(): void;
  /**
   * Hypotheses in order; completes after end() once the engine is done, or on abort.
   * Throws a RecognizerError when the engine fails. Iterate it once.
   */
  readonly results: AsyncIterable<Hypothesis>;
}

export interface Recognizer {
  /** Throws RecognizerError('bad-input') for options it cannot honour. */
  start(opts: RecognizerStartOptions): RecognizerStream;
}

export type RecognizerErrorCode =
  | 'bad-input' // caller passed something wrong (rate, closed stream)
  | 'bad-config' // adapter configured wrongly (missing key, bad URL)
  | 'auth' // credentials refused
  | 'bad-request' // engine refused the request as malformed
  | 'rate-limited'
  | 'unavailable' // engine down or overloaded (5xx, close 1011)
  | 'network' // connection failed or dropped
  | 'timeout'
  | 'model-missing' // local engine: model files not on disk
  | 'engine-failed' // local engine crashed or could not load
  | 'protocol'; // engine answered something we cannot read

const RETRYABLE_BY_DEFAULT: ReadonlySet<RecognizerErrorCode> = new Set(['rate-limited', 'unavailable', 'network', 'timeout']);

/**
 * The only error recognizers throw. Adapters classify (`retryable`); the caller decides
 * whether and when to retry, in one place.
 */
export class RecognizerError extends AizuchiError {
  declare readonly code: RecognizerErrorCode;
  /** HTTP status (or WebSocket close code) behind the error, when there was one. */
  readonly status: number | undefined;

  constructor(code: RecognizerErrorCode, message: string, options?: { retryable?: boolean; cause?: unknown; status?: number }) {
    super(message, { code, retryable: options?.retryable ?? RETRYABLE_BY_DEFAULT.has(code), cause: options?.cause });
    this.status = options?.status;
  }
}

export function isRecognizerError(error: unknown): error is RecognizerError {
  return error instanceof RecognizerError;
}

export const RECOGNIZER_ENGINES = ['none', 'whisper-http', 'deepgram', 'local'] as const;
export type RecognizerEngine = (typeof RECOGNIZER_ENGINES)[number];

/**
 * Plain config for src/config/ to fill (it owns validation and env reading).
 * `local` is the offline sherpa-onnx engine; `modelDir` points at its downloaded model.
 */
export interface RecognizerConfig {
  readonly engine: RecognizerEngine;
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly model?: string;
  readonly modelDir?: string;
}
