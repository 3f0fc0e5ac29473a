import { FRAME_MS } from '../../media/frame';

/**
 * Why the agent's audio stops. Interruption is a typed signal with a priority that maps onto
 * PlayoutQueue.clear(priority): it drops interruptible items at or below that priority.
 */
export type Interruption =
  /** The caller keeps talking (or said real words): drop every interruptible prompt. */
  | { readonly cause: 'caller-speech' | 'caller-words' | 'keypad' }
  /** The agent starts a new turn: stale aizuchi clips still queued are dropped, prompts are kept. */
  | { readonly cause: 'agent-turn' };

/** Playout priorities: aizuchi clips are the cheapest to drop. */
export const PRIORITY = { backchannel: 0, prompt: 1 } as const;

export function interruptionPriority(signal: Interruption): number {
  return signal.cause === 'agent-turn' ? PRIORITY.backchannel : PRIORITY.prompt;
}

export interface BargeInConfig {
  /** Voiced time before the agent falls silent. */
  readonly holdAfterSpeechMs: number;
  /** A burst longer than this is a real turn, not an acknowledgement. */
  readonly ackMaxMs: number;
  /** Quiet after a short burst before the agent carries on where it stopped. */
  readonly resumeAfterSilenceMs: number;
  readonly speechThreshold: number;
  readonly silenceThreshold: number;
}

export const DEFAULT_BARGE_IN: BargeInConfig = {
  holdAfterSpeechMs: 120,
  ackMaxMs: 800,
  resumeAfterSilenceMs: 240,
  speechThreshold: 0.5,
  silenceThreshold: 0.35,
};

/** What the bridge does to playback. */
export type BargeInDecision = 'hold' | 'resume' | 'interrupt' | null;

/**
 * Decides barge-in from per-frame speech probabilities and the words heard, in stream time (frames),
 * never wall time. Two stages, because an acknowledgement cannot be told from a real turn in 120 ms:
 * the agent *holds* (falls silent, keeps its place) as soon as speech is sustained; it *interrupts*
 * (drops the prompt) once the burst is too long for an aizuchi or the words are not one; it
 * *resumes* when a short burst ends with nothing but an acknowledgement heard.
 */
export class BargeInDetector {
  private readonly config: BargeInConfig;
  private voicedRunMs = 0;
  private burstMs = 0;
  private silenceMs = 0;
  private inBurst = false;
  private held = false;
  /** This burst already dropped a prompt; a reply queued during it is only held, then played. */
  private interruptedThisBurst = false;

  constructor(config: Partial<BargeInConfig> = {}) {
    this.config = { ...DEFAULT_BARGE_IN, ...config };
  }

  get holding(): boolean {
    return this.held;
  }

  /**
   * One 20 ms frame of caller audio. `interruptiblePlaying`: the head of the playout queue may be
   * interrupted (non-interruptible items are never held).
   */
  onFrame(probability: number, interruptiblePlaying: boolean): BargeInDecision {
    const c = this.config;
    if (probability >= c.speechThreshold) {
      this.voicedRunMs += FRAME_MS;
      this.silenceMs = 0;
      if (this.voicedRunMs >= c.holdAfterSpeechMs) this.inBurst = true;
    } else if (probability < c.silenceThreshold || !this.inBurst) {
      this.voicedRunMs = 0;
      if (this.inBurst) this.silenceMs += FRAME_MS;
    }
    if (this.inBurst) this.burstMs += FRAME_MS;

    if (this.inBurst && this.silenceMs >= c.resumeAfterSilenceMs) {
      const wasShort = this.burstMs - this.silenceMs <= c.ackMaxMs || this.interruptedThisBurst;
      this.endBurst();
      if (this.held) {
        this.held = false;
        return wasShort ? 'resume' : 'interrupt';
      }
      return null;
    }
    if (!interruptiblePlaying) {
      this.held = false;
      return null;
    }
    if (this.inBurst && !this.interruptedThisBurst && this.burstMs - this.silenceMs > c.ackMaxMs) {
      this.held = false;
      this.interruptedThisBurst = true;
      return 'interrupt';
    }
    if (this.inBurst && !this.held) {
      this.held = true;
      return 'hold';
    }
    return null;
  }

  /**
   * Words from the recognizer (partial or final) or the softphone. An acknowledgement changes
   * nothing; anything else interrupts interruptible playback right away.
   */
  onWords(isAcknowledgement: boolean, interruptiblePlaying: boolean): BargeInDecision {
    if (isAcknowledgement) return null;
    if (!interruptiblePlaying) return null;
    this.held = false;
    return 'interrupt';
  }

  /** Playback finished or was cleared: nothing left to hold. */
  playbackStopped(): void {
    this.held = false;
  }

  private endBurst(): void {
    this.inBurst = false;
    this.burstMs = 0;
    this.silenceMs = 0;
    this.voicedRunMs = 0;
    this.interruptedThisBurst = false;
  }
}
