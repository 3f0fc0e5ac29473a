import type { Lang } from '../../domain/lang';
import { samplesPerFrame, type AudioFrame } from '../../media/frame';
import { PlayoutQueue, type PlayoutEvent } from '../../media/playout';
import { StreamingResampler } from '../../media/resampler';
import type { BackchannelClips, BackchannelVariant } from '../../speech/synthesis/backchannel-clips';
import { BACKCHANNEL_TEXT } from '../../speech/synthesis/backchannel-clips';
import { isAbortError, SynthesisError, type Synthesizer } from '../../speech/synthesizer';
import { interruptionPriority, PRIORITY, type Interruption } from './barge-in';

export interface SpeakerTick {
  /** The agent's audio for this 20 ms, at `sampleRateHz` of the speaker (16 kHz). */
  readonly frame: AudioFrame;
  readonly events: readonly PlayoutEvent[];
  /** Some item's audio is in this frame (not padding, not hold). */
  readonly audible: boolean;
  /** The prompt (not an aizuchi clip) whose audio this frame carries, if any. */
  readonly prompt: PlayingPrompt | null;
}

/** A prompt on its way to the caller, as far as synthesis has got. */
export interface PlayingPrompt {
  readonly id: string;
  readonly text: string;
  /** Samples synthesized so far, at the speaker's rate. */
  readonly samples: number;
  /** Synthesis has delivered all of it (samples is its whole length). */
  readonly complete: boolean;
}

interface ItemInfo {
  readonly text: string;
  readonly interruptible: boolean;
  readonly abort: AbortController;
  readonly prompt: boolean;
  samples: number;
  complete: boolean;
  started: boolean;
}

export interface AgentSpeakerOptions {
  readonly lang: Lang;
  readonly synthesizer: Synthesizer;
  readonly backchannels: BackchannelClips;
  /** The rate the speaker mixes at (the recording rate); the bridge converts to the channel's rate. */
  readonly sampleRateHz: number;
  readonly onSynthesisError?: (error: SynthesisError | Error) => void;
}

/**
 * The agent's voice for one call: text → synthesizer (sentence streaming, cache) → resampled to the
 * speaker rate → playout queue. The bridge pulls one frame per clock tick. While held (caller
 * started talking), ticks are silence and the item keeps its place.
 */
export class AgentSpeaker {
  private readonly queue: PlayoutQueue;
  private readonly items = new Map<string, ItemInfo>();
  private readonly synthesizing = new Set<Promise<void>>();
  private readonly silence: Int16Array;
  private nextId = 0;
  private held = false;
  private closed = false;

  constructor(private readonly options: AgentSpeakerOptions) {
    this.queue = new PlayoutQueue(options.sampleRateHz);
    this.silence = new Int16Array(samplesPerFrame(options.sampleRateHz));
  }

  /** Something is queued or playing whose audio may be interrupted. */
  get interruptiblePlaying(): boolean {
    const head = this.queue.headId;
    return head !== undefined && (this.items.get(head)?.interruptible ?? false);
  }

  get idle(): boolean {
    return this.closed || (this.queue.idle && this.synthesizing.size === 0);
  }

  get holding(): boolean {
    return this.held;
  }

  textOf(id: string): string | undefined {
    return this.items.get(id)?.text;
  }

  say(text: string, opts: { interruptible: boolean; rate?: number }): string {
    const id = `say-${++this.nextId}`;
    const abort = new AbortController();
    this.items.set(id, { text, interruptible: opts.interruptible, abort, prompt: true, samples: 0, complete: false, started: false });
    this.queue.open(id, { interruptible: opts.interruptible, priority: PRIORITY.prompt });
    this.track(this.synthesize(id, text, opts.rate, abort.signal));
    return id;
  }

  backchannel(text: string): string {
    const id = `aizuchi-${++this.nextId}`;
    const abort = new AbortController();
    this.items.set(id, { text, interruptible: true, abort, prompt: false, samples: 0, complete: false, started: false });
    this.queue.open(id, { interruptible: true, priority: PRIORITY.backchannel });
    this.track(this.playClip(id, variantFor(text, this.options.lang), abort.signal));
    return id;
  }

  /** Drops what the signal may drop and stops its synthesis. Returns the dropped ids. */
  interrupt(signal: Interruption): string[] {
    const dropped = this.queue.clear(interruptionPriority(signal));
    for (const id of dropped) this.forget(id);
    if (dropped.length > 0 || this.queue.idle) this.held = false;
    return dropped;
  }

  hold(): void {
    if (this.interruptiblePlaying) this.held = true;
  }

  resume(): void {
    this.held = false;
  }

  /** The prompt now playing (started, not finished), for what-was-heard bookkeeping before a barge-in drops it. */
  playingPrompt(): PlayingPrompt | null {
    const head = this.queue.headId;
    return head === undefined ? null : this.promptInfo(head);
  }

  tick(): SpeakerTick {
    if (this.held && this.interruptiblePlaying) {
      return { frame: { samples: this.silence, sampleRateHz: this.options.sampleRateHz }, events: [], audible: false, prompt: null };
    }
    this.held = false;
    const head = this.queue.headId;
    const { frame, events } = this.queue.tick();
    for (const e of events) {
      const item = e.type === 'started' ? this.items.get(e.id) : undefined;
      if (item) item.started = true;
    }
    // The frame carries the item that started in it last, else the one that was playing.
    let carried = head;
    for (const e of events) if (e.type === 'started') carried = e.id;
    const prompt = carried === undefined ? null : this.promptInfo(carried);
    for (const e of events) if (e.type !== 'started') this.forget(e.id);
    return { frame, events, audible: hasSignal(frame.samples), prompt };
  }

  private promptInfo(id: string): PlayingPrompt | null {
    const item = this.items.get(id);
    return item?.prompt && item.started ? { id, text: item.text, samples: item.samples, complete: item.complete } : null;
  }

  /** Resolves when every synthesis started so far has delivered its audio (tests, benchmark). */
  async synthesized(): Promise<void> {
    while (this.synthesizing.size > 0) await Promise.all([...this.synthesizing]);
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.items.keys()]) this.forget(id);
    this.queue.clear(Number.POSITIVE_INFINITY);
  }

  private append(id: string, samples: Int16Array): void {
    const item = this.items.get(id);
    if (item) item.samples += samples.length;
    this.queue.append(id, samples);
  }

  private track(work: Promise<void>): void {
    const done = work.finally(() => this.synthesizing.delete(done));
    this.synthesizing.add(done);
  }

  private forget(id: string): void {
    const item = this.items.get(id);
    if (!item) return;
    item.abort.abort();
    this.items.delete(id);
  }

  private async synthesize(id: string, text: string, rate: number | undefined, signal: AbortSignal): Promise<void> {
    let resampler: StreamingResampler | null = null;
    let frames = 0;
    try {
      for await (const frame of this.options.synthesizer.synthesize(text, { lang: this.options.lang, signal, ...(rate ? { rate } : {}) })) {
        if (signal.aborted || this.closed) break;
        // A cached clip arrives as one burst of microtasks; let the 20 ms clock run in between.
        if (++frames % 10 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (frame.sampleRateHz !== this.options.sampleRateHz) {
          resampler ??= new StreamingResampler(frame.sampleRateHz, this.options.sampleRateHz);
          this.append(id, resampler.process(frame.samples));
        } else {
          this.append(id, frame.samples);
        }
      }
      // Push the filter's last samples out (the resampler lags its input by its delay).
      if (resampler && !signal.aborted)
        this.append(
          id,
          resampler.process(new Int16Array(Math.ceil((resampler.delayOutputSamples * resampler.inputRateHz) / resampler.outputRateHz) + 1)),
        );
      const item = this.items.get(id);
      if (item && !signal.aborted) item.complete = true;
    } catch (error) {
      if (!isAbortError(error) && !signal.aborted)
        this.options.onSynthesisError?.(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.queue.end(id);
    }
  }

  private async playClip(id: string, variant: BackchannelVariant, signal: AbortSignal): Promise<void> {
    try {
      const frames = await this.options.backchannels.backchannelClip(this.options.lang, variant);
      if (signal.aborted || this.closed) return;
      const first = frames[0];
      const resampler =
        first && first.sampleRateHz !== this.options.sampleRateHz
          ? new StreamingResampler(first.sampleRateHz, this.options.sampleRateHz)
          : null;
      for (const frame of frames) this.queue.append(id, resampler ? resampler.process(frame.samples) : frame.samples);
    } catch (error) {
      if (!signal.aborted) this.options.onSynthesisError?.(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.queue.end(id);
    }
  }
}

function variantFor(text: string, lang: Lang): BackchannelVariant {
  return text.includes(BACKCHANNEL_TEXT[lang].mmhm) || /mm|ええ|うん/u.test(text) ? 'mmhm' : 'yes';
}

function hasSignal(samples: Int16Array): boolean {
  for (let i = 0; i < samples.length; i++) if (samples[i] !== 0) return true;
  return false;
}
