import type { Lang } from '../../domain/lang';
import type { AudioFrame } from '../../media/frame';
import { RecognizerError, type Hypothesis, type Recognizer, type RecognizerStream } from '../../speech/recognizer';

export interface RecognitionTurnsOptions {
  readonly recognizer: Recognizer;
  readonly lang: Lang;
  readonly sampleRateHz: number;
  /** Audio kept from before the VAD noticed speech, so the first syllable is not lost. */
  readonly preRollFrames: number;
  readonly onHypothesis: (hypothesis: Hypothesis) => void;
  /** The engine failed; no further turns are started. */
  readonly onFailure: (error: RecognizerError) => void;
}

/**
 * One recognizer stream per caller turn (the VAD decides where turns start and end, which also suits
 * engines that only take whole utterances). Frames before the turn are kept as pre-roll.
 */
export class RecognitionTurns {
  private readonly preRoll: AudioFrame[] = [];
  private stream: RecognizerStream | null = null;
  private abort: AbortController | null = null;
  private failedWith: RecognizerError | null = null;
  private current: Promise<void> | null = null;
  /** Turns that ended and are still delivering their last hypotheses. */
  private readonly finishing = new Set<Promise<void>>();

  constructor(private readonly options: RecognitionTurnsOptions) {}

  get failed(): boolean {
    return this.failedWith !== null;
  }

  get inTurn(): boolean {
    return this.stream !== null;
  }

  /** Every caller frame, in order (16 kHz). */
  push(frame: AudioFrame): void {
    if (this.failedWith) return;
    if (this.stream) {
      this.write(frame);
      return;
    }
    this.preRoll.push(frame);
    if (this.preRoll.length > this.options.preRollFrames) this.preRoll.shift();
  }

  begin(): void {
    if (this.failedWith || this.stream) return;
    const abort = new AbortController();
    let stream: RecognizerStream;
    try {
      stream = this.options.recognizer.start({ lang: this.options.lang, sampleRateHz: this.options.sampleRateHz, signal: abort.signal });
    } catch (error) {
      this.fail(error);
      return;
    }
    this.stream = stream;
    this.abort = abort;
    this.current = this.consume(stream);
    for (const frame of this.preRoll.splice(0)) this.write(frame);
  }

  /** End of the caller's turn: the engine delivers its last hypotheses. */
  finish(): void {
    const stream = this.stream;
    const done = this.current;
    this.stream = null;
    this.abort = null;
    this.current = null;
    if (done) {
      const tracked = done.finally(() => this.finishing.delete(tracked));
      this.finishing.add(tracked);
    }
    stream?.end();
  }

  /** Call over: drop everything. */
  close(): void {
    this.abort?.abort();
    this.stream = null;
    this.abort = null;
    this.current = null;
    this.preRoll.length = 0;
  }

  /** Resolves when every ended turn has delivered its results (the open turn keeps going). */
  async settled(): Promise<void> {
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
  }

  private write(frame: AudioFrame): void {
    try {
      this.stream?.write(frame);
    } catch (error) {
      this.fail(error);
    }
  }

  private async consume(stream: RecognizerStream): Promise<void> {
    try {
      for await (const hypothesis of stream.results) {
        if (!this.failedWith) this.options.onHypothesis(hypothesis);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.failedWith) return;
    const typed = error instanceof RecognizerError ? error : new RecognizerError('engine-failed', 'recognizer failed', { cause: error });
    this.failedWith = typed;
    this.close();
    this.options.onFailure(typed);
  }
}
