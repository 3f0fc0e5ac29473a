import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { RecognizerError, type Hypothesis, type Recognizer, type RecognizerStream } from '../../speech/recognizer';

/**
 * Waits before each new try after a retryable recognizer error (ms). Five tries over 7.75 s: a 2 s
 * outage (a dropped socket, a restarting engine) is bridged with room to spare, while a caller left
 * without recognition for longer is told to use the keypad (issue 9).
 */
export const DEFAULT_RECOGNIZER_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000, 4000];

/** Audio kept for replay after a failure: 30 s of 20 ms frames, longer than any caller turn we wait for. */
const MAX_REPLAY_FRAMES = 1500;

export interface RecognitionTurnsOptions {
  readonly recognizer: Recognizer;
  readonly lang: Lang;
  readonly sampleRateHz: number;
  /** Audio kept from before the VAD noticed speech, so the first syllable is not lost. */
  readonly preRollFrames: number;
  readonly onHypothesis: (hypothesis: Hypothesis) => void;
  /** Recognition is over for this call (an error not worth retrying, or retries spent); said once. */
  readonly onFailure: (error: RecognizerError) => void;
  /** A retryable error; a new stream opens after `delayMs` (attempt counts from 1). */
  readonly onRetry?: (error: RecognizerError, attempt: number, delayMs: number) => void;
  /** Default DEFAULT_RECOGNIZER_RETRY_DELAYS_MS; its length is the number of tries. */
  readonly retryDelaysMs?: readonly number[];
}

/** Counters for the benchmark and tests. */
export interface RecognitionStats {
  streamsOpened: number;
  turns: number;
  retries: number;
  /** Wall time (ms) from each recovered failure to the next hypothesis the engine gave. */
  recoveryMs: number[];
}

interface Attempt {
  readonly stream: RecognizerStream;
  readonly abort: AbortController;
  /** The audio this stream was given, for a replay on another stream if it fails. */
  audio: AudioFrame[];
  done: Promise<void>;
}

/**
 * The recognizer side of one call. Streaming engines (their stream has `finalize`, e.g. Deepgram) get
 * ONE stream for the whole call, finalized at each endpoint the VAD finds; per-utterance engines
 * (whisper-http, offline models) get one stream per caller turn. Frames before a turn are kept as
 * pre-roll. This is the one place recognizer errors are retried: a retryable error opens a new stream
 * after a backoff and replays the audio not yet recognized; only a non-retryable error or spent
 * retries end recognition (onFailure, once). A hypothesis resets the count of tries.
 */
export class RecognitionTurns {
  readonly stats: RecognitionStats = { streamsOpened: 0, turns: 0, retries: 0, recoveryMs: [] };
  private readonly preRoll: AudioFrame[] = [];
  private readonly delays: readonly number[];
  private streaming: boolean | null = null;
  private live: Attempt | null = null;
  private turnOpen = false;
  /** This turn's audio; streaming: kept after the turn until a final answers it. */
  private audio: AudioFrame[] = [];
  private failures = 0;
  private failingSince: number | null = null;
  private failedWith: RecognizerError | null = null;
  private closed = false;
  private recovering = false;
  /** Ended turns still delivering, and recoveries under way. */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: RecognitionTurnsOptions) {
    this.delays = options.retryDelaysMs ?? DEFAULT_RECOGNIZER_RETRY_DELAYS_MS;
  }

  get failed(): boolean {
    return this.failedWith !== null;
  }

  get inTurn(): boolean {
    return this.turnOpen;
  }

  /** Every caller frame, in order (16 kHz). */
  push(frame: AudioFrame): void {
    if (this.failedWith || this.closed) return;
    if (!this.turnOpen) {
      this.preRoll.push(frame);
      if (this.preRoll.length > this.options.preRollFrames) this.preRoll.shift();
      return;
    }
    this.keep(frame);
    if (this.live) this.write(this.live, frame);
  }

  /** The VAD heard speech start: a new caller turn. */
  begin(): void {
    if (this.failedWith || this.closed || this.turnOpen) return;
    this.turnOpen = true;
    this.stats.turns++;
    const preRoll = this.preRoll.splice(0);
    if (this.streaming) {
      // A replay covers this turn only: an earlier turn's final may have been empty (Deepgram sends
      // those and the adapter drops them), and replaying it would hear old words twice.
      this.audio = preRoll;
      if (this.live) for (const frame of preRoll) this.write(this.live, frame);
      else if (!this.recovering) this.open(this.audio, true);
      return;
    }
    this.audio = preRoll;
    if (!this.recovering) this.open(this.audio, true);
  }

  /** End of the caller's turn: streaming engines finalize and stay open; others deliver and close. */
  finish(): void {
    if (!this.turnOpen) return;
    this.turnOpen = false;
    if (this.streaming) {
      this.live?.stream.finalize?.();
      return;
    }
    const attempt = this.live;
    this.live = null;
    this.audio = [];
    if (!attempt) return; // a recovery under way finishes this turn itself
    this.track(attempt.done);
    attempt.stream.end();
  }

  /** Call over: drop everything. */
  close(): void {
    this.closed = true;
    this.live?.abort.abort();
    this.live = null;
    this.preRoll.length = 0;
    this.audio = [];
  }

  /** Resolves when every ended turn has delivered its results and no recovery is under way. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** `live`: the stream the caller's next frames go to (else it only replays a finished turn). */
  private open(audio: AudioFrame[], live: boolean): Attempt | null {
    const abort = new AbortController();
    let stream: RecognizerStream;
    try {
      stream = this.options.recognizer.start({ lang: this.options.lang, sampleRateHz: this.options.sampleRateHz, signal: abort.signal });
    } catch (error) {
      this.giveUp(toRecognizerError(error));
      return null;
    }
    this.stats.streamsOpened++;
    this.streaming ??= typeof stream.finalize === 'function';
    const attempt: Attempt = { stream, abort, audio, done: Promise.resolve() };
    if (live) this.live = attempt;
    attempt.done = this.consume(attempt);
    for (const frame of audio) this.write(attempt, frame);
    return attempt;
  }

  private keep(frame: AudioFrame): void {
    this.audio.push(frame);
    if (this.audio.length > MAX_REPLAY_FRAMES) this.audio.shift();
  }

  private write(attempt: Attempt, frame: AudioFrame): void {
    try {
      attempt.stream.write(frame);
    } catch (error) {
      this.track(this.recover(attempt, error));
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private async consume(attempt: Attempt): Promise<void> {
    try {
      for await (const hypothesis of attempt.stream.results) {
        if (this.failedWith || this.closed) continue;
        this.heard();
        // Streaming: a final after the turn ended answers the audio kept for a replay.
        if (this.streaming && hypothesis.isFinal && !this.turnOpen) this.audio = [];
        this.options.onHypothesis(hypothesis);
      }
    } catch (error) {
      // Tracked so idle()/settled() wait for the replay (a finished turn's stream is tracked already).
      const recovery = this.recover(attempt, error);
      this.track(recovery);
      await recovery;
      return;
    }
    // A streaming engine's stream ends only when we end it: anything else is a dropped line.
    if (this.streaming && this.live === attempt && !this.closed) {
      await this.recover(attempt, new RecognizerError('network', 'the recognizer stream ended by itself'));
    }
  }

  private heard(): void {
    if (this.failingSince !== null) this.stats.recoveryMs.push(Math.round(performance.now() - this.failingSince));
    this.failingSince = null;
    this.failures = 0;
  }

  /** The one place recognizer errors are retried (issue 9). */
  private async recover(attempt: Attempt, error: unknown): Promise<void> {
    if (this.closed || this.failedWith) return;
    if (this.streaming && this.live !== attempt) return; // an older stream, already replaced
    const wasLive = this.live === attempt;
    if (wasLive) this.live = null;
    attempt.abort.abort();
    const typed = toRecognizerError(error);
    const delayMs = this.delays[this.failures];
    if (!typed.retryable || delayMs === undefined) {
      this.giveUp(typed);
      return;
    }
    this.failures++;
    this.stats.retries++;
    this.failingSince ??= performance.now();
    this.options.onRetry?.(typed, this.failures, delayMs);
    // While the live stream is being replaced, a new turn waits for it instead of opening its own.
    if (wasLive) this.recovering = true;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (wasLive) this.recovering = false;
    if (this.closed || this.failedWith) return;
    if (this.streaming) {
      const next = this.open(this.audio, true); // replays what was not yet answered
      if (next && !this.turnOpen && this.audio.length > 0) next.stream.finalize?.();
      return;
    }
    // Per utterance. Same turn still open: the new stream carries on with it.
    if (wasLive && this.turnOpen && this.audio === attempt.audio) {
      this.open(this.audio, true);
      return;
    }
    // A new turn began while we waited: it gets its own stream.
    if (wasLive && this.turnOpen) this.open(this.audio, true);
    const replay = this.open(attempt.audio, false);
    if (!replay) return;
    replay.stream.end();
    await replay.done;
  }

  private giveUp(error: RecognizerError): void {
    if (this.failedWith) return;
    this.failedWith = error;
    this.close();
    this.options.onFailure(error);
  }
}

function toRecognizerError(error: unknown): RecognizerError {
  return error instanceof RecognizerError ? error : new RecognizerError('engine-failed', 'recognizer failed', { cause: error });
}
