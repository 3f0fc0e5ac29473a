import { FRAME_MS } from '../frame';

export interface EndpointerConfig {
  /** Silence (probability below `silenceThreshold`) that ends an utterance. Longer while the caller spells or reads digits. */
  readonly silenceMs: number;
  /** Speech must be this long before speechStart fires (ignores clicks and coughs). */
  readonly minSpeechMs?: number;
  readonly speechThreshold?: number;
  /** Lower than speechThreshold: hysteresis so probabilities hovering near 0.5 do not flap. */
  readonly silenceThreshold?: number;
}

export type EndpointEvent =
  | { readonly type: 'speechStart'; readonly atMs: number }
  | {
      readonly type: 'speechEnd';
      /** When the end was decided (stream time). */
      readonly atMs: number;
      readonly startMs: number;
      /** End of the last voiced frame. */
      readonly lastSpeechMs: number;
      readonly reason: 'silence' | 'commit';
    };

const DEFAULTS = { minSpeechMs: 60, speechThreshold: 0.5, silenceThreshold: 0.35 } as const;

/**
 * Turns per-frame speech probabilities into utterance start/end events. Pure: time is the count of
 * frames pushed (stream time), never the wall clock, so it behaves the same in tests and live.
 */
export class Endpointer {
  private config: Required<EndpointerConfig>;
  private nowMs = 0;
  private speaking = false;
  private candidateStartMs: number | null = null;
  private startMs = 0;
  private lastSpeechMs = 0;

  constructor(config: EndpointerConfig) {
    this.config = { ...DEFAULTS, ...config };
    validate(this.config);
  }

  /** Changes hangover etc. for the next dialogue step (e.g. `{ silenceMs: 1400 }` while digits are read). */
  configure(config: Partial<EndpointerConfig>): void {
    const next = { ...this.config, ...config };
    validate(next);
    this.config = next;
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Stream time in ms: the end of the last frame pushed. */
  get timeMs(): number {
    return this.nowMs;
  }

  /** Feeds the probability for the next frame of `frameMs` duration. */
  push(probability: number, frameMs: number = FRAME_MS): EndpointEvent[] {
    const frameStart = this.nowMs;
    this.nowMs += frameMs;
    const { speechThreshold, silenceThreshold, minSpeechMs, silenceMs } = this.config;
    if (!this.speaking) {
      if (probability >= speechThreshold) {
        this.candidateStartMs ??= frameStart;
        if (this.nowMs - this.candidateStartMs >= minSpeechMs) {
          this.speaking = true;
          this.startMs = this.candidateStartMs;
          this.lastSpeechMs = this.nowMs;
          this.candidateStartMs = null;
          return [{ type: 'speechStart', atMs: this.startMs }];
        }
      } else {
        this.candidateStartMs = null;
      }
      return [];
    }
    if (probability >= silenceThreshold) {
      this.lastSpeechMs = this.nowMs;
      return [];
    }
    if (this.nowMs - this.lastSpeechMs >= silenceMs) return [this.finish('silence')];
    return [];
  }

  /** Ends the current utterance now (e.g. the caller entered the expected number of digits). */
  commitNow(): EndpointEvent[] {
    this.candidateStartMs = null;
    return this.speaking ? [this.finish('commit')] : [];
  }

  private finish(reason: 'silence' | 'commit'): EndpointEvent {
    this.speaking = false;
    return { type: 'speechEnd', atMs: this.nowMs, startMs: this.startMs, lastSpeechMs: this.lastSpeechMs, reason };
  }
}

function validate(c: Required<EndpointerConfig>): void {
  if (!(c.silenceMs > 0) || !(c.minSpeechMs >= 0)) throw new RangeError('endpointer durations must be positive');
  if (!(c.silenceThreshold <= c.speechThreshold)) throw new RangeError('silenceThreshold must not exceed speechThreshold');
}
