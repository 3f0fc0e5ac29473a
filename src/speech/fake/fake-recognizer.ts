import type { AudioFrame } from '../../media/frame';
import { HypothesisQueue } from '../hypothesis-queue';
import { checkFrame, checkStartOptions, samplesToMs, streamClosedError } from '../recognizer-input';
import type { Hypothesis, Recognizer, RecognizerError, RecognizerStartOptions, RecognizerStream } from '../recognizer';

/** One scripted hypothesis, released once the caller has written `atAudioMs` of audio. */
export interface ScriptedHypothesis {
  /** Audio written (ms) before this one is emitted; omit to emit it at end(). */
  readonly atAudioMs?: number;
  readonly text: string;
  readonly isFinal: boolean;
  readonly confidence?: number;
  /** Default: 0 and the audio written so far. */
  readonly startMs?: number;
  readonly endMs?: number;
  readonly endOfSpeech?: boolean;
}

export interface FakeRecognizerScript {
  readonly hypotheses: readonly ScriptedHypothesis[];
  /** Fail `results` with this error once `atAudioMs` of audio is written (or at end() if omitted). */
  readonly failure?: { readonly error: RecognizerError; readonly atAudioMs?: number };
  /** Wall-clock delay between end() and the last results, like a real engine's latency. */
  readonly endLatencyMs?: number;
}

/** What the fake saw, for assertions in pipeline tests. */
export interface FakeSession {
  readonly opts: RecognizerStartOptions;
  audioMs: number;
  ended: boolean;
  aborted: boolean;
}

/**
 * A scripted recognizer for tests of the call pipeline. Timing follows the audio the caller
 * writes (deterministic, no clocks); it passes the same conformance suite as the real engines.
 * `script` may be a function to vary the script per start() call.
 */
export class FakeRecognizer implements Recognizer {
  readonly sessions: FakeSession[] = [];

  constructor(private readonly script: FakeRecognizerScript | ((call: number) => FakeRecognizerScript)) {}

  start(opts: RecognizerStartOptions): RecognizerStream {
    checkStartOptions(opts);
    const script = typeof this.script === 'function' ? this.script(this.sessions.length) : this.script;
    const session: FakeSession = { opts, audioMs: 0, ended: false, aborted: false };
    this.sessions.push(session);
    return new FakeRecognizerStream(opts, script, session);
  }
}

class FakeRecognizerStream implements RecognizerStream {
  private readonly queue = new HypothesisQueue();
  private readonly pending: ScriptedHypothesis[];
  private samplesWritten = 0;
  private latencyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly opts: RecognizerStartOptions,
    private readonly script: FakeRecognizerScript,
    private readonly session: FakeSession,
  ) {
    this.pending = [...script.hypotheses];
    const signal = opts.signal;
    if (signal?.aborted) this.onAbort();
    else signal?.addEventListener('abort', () => this.onAbort(), { once: true });
  }

  get results(): AsyncIterable<Hypothesis> {
    return this.queue;
  }

  write(frame: AudioFrame): void {
    if (this.session.aborted) return;
    if (this.session.ended) throw streamClosedError();
    checkFrame(frame, this.opts.sampleRateHz);
    this.samplesWritten += frame.samples.length;
    this.session.audioMs = samplesToMs(this.samplesWritten, this.opts.sampleRateHz);
    this.release(this.session.audioMs);
  }

  end(): void {
    if (this.session.ended || this.session.aborted) return;
    this.session.ended = true;
    const finish = (): void => {
      this.latencyTimer = undefined;
      if (this.samplesWritten === 0) {
        this.queue.close(); // nothing said, nothing heard
        return;
      }
      this.release(Number.POSITIVE_INFINITY);
      const failure = this.script.failure;
      if (failure) this.queue.fail(failure.error);
      else this.queue.close();
    };
    const latencyMs = this.script.endLatencyMs ?? 0;
    if (latencyMs > 0) this.latencyTimer = setTimeout(finish, latencyMs);
    else finish();
  }

  private release(audioMs: number): void {
    while (this.pending.length > 0) {
      const next = this.pending[0];
      if (!next || (next.atAudioMs ?? Number.POSITIVE_INFINITY) > audioMs) break;
      this.pending.shift();
      this.queue.push({
        text: next.text,
        isFinal: next.isFinal,
        startMs: next.startMs ?? 0,
        endMs: next.endMs ?? this.session.audioMs,
        ...(next.confidence === undefined ? {} : { confidence: next.confidence }),
        ...(next.endOfSpeech === undefined ? {} : { endOfSpeech: next.endOfSpeech }),
      });
    }
    const failure = this.script.failure;
    if (failure?.atAudioMs !== undefined && failure.atAudioMs <= audioMs) this.queue.fail(failure.error);
  }

  private onAbort(): void {
    this.session.aborted = true;
    if (this.latencyTimer) clearTimeout(this.latencyTimer);
    this.queue.discard();
  }
}
