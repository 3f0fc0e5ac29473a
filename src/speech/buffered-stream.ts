import type { AudioFrame } from '../media/frame';
import { HypothesisQueue } from './hypothesis-queue';
import { checkFrame, streamClosedError } from './recognizer-input';
import { RecognizerError, type Hypothesis, type RecognizerStartOptions, type RecognizerStream } from './recognizer';

/** What a non-streaming engine is asked to do with one whole utterance. */
export interface UtteranceRequest {
  readonly samples: Int16Array;
  readonly sampleRateHz: number;
  readonly opts: RecognizerStartOptions;
  /** Aborted when the caller aborts; engines pass it to fetch/decoders. */
  readonly signal: AbortSignal;
}

export type TranscribeUtterance = (request: UtteranceRequest) => Promise<readonly Hypothesis[]>;

/**
 * A RecognizerStream for engines that only take whole files (OpenAI-style HTTP, offline
 * models): frames are buffered, the utterance goes out at end(), the engine's finals come back.
 * Upstream VAD decides where utterances end, so one stream = one utterance.
 */
export class BufferedRecognizerStream implements RecognizerStream {
  private readonly queue = new HypothesisQueue();
  private readonly chunks: Int16Array[] = [];
  private sampleCount = 0;
  private ended = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly opts: RecognizerStartOptions,
    private readonly transcribe: TranscribeUtterance,
  ) {
    const signal = opts.signal;
    if (signal?.aborted) {
      this.onAbort();
    } else {
      signal?.addEventListener('abort', () => this.onAbort(), { once: true });
    }
  }

  get results(): AsyncIterable<Hypothesis> {
    return this.queue;
  }

  write(frame: AudioFrame): void {
    if (this.abort.signal.aborted) return; // media may still flow for a moment after abort
    if (this.ended) throw streamClosedError();
    checkFrame(frame, this.opts.sampleRateHz);
    // Copy: callers may reuse their frame buffers.
    this.chunks.push(Int16Array.from(frame.samples));
    this.sampleCount += frame.samples.length;
  }

  end(): void {
    if (this.ended || this.abort.signal.aborted) return;
    this.ended = true;
    if (this.sampleCount === 0) {
      this.queue.close(); // nothing said, nothing to send
      return;
    }
    const samples = new Int16Array(this.sampleCount);
    let offset = 0;
    for (const chunk of this.chunks) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    this.chunks.length = 0;
    this.transcribe({ samples, sampleRateHz: this.opts.sampleRateHz, opts: this.opts, signal: this.abort.signal }).then(
      (hypotheses) => {
        for (const hypothesis of hypotheses) this.queue.push(hypothesis);
        this.queue.close();
      },
      (error: unknown) => {
        if (this.abort.signal.aborted) return;
        this.queue.fail(
          error instanceof RecognizerError ? error : new RecognizerError('engine-failed', 'recognizer engine failed', { cause: error }),
        );
      },
    );
  }

  private onAbort(): void {
    this.abort.abort();
    this.chunks.length = 0;
    this.queue.discard();
  }
}
