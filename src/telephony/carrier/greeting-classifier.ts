import { FRAME_MS, type AudioFrame } from '../../media/frame';

/**
 * The greeting-length heuristic for calls whose carrier offers no answering-machine detection (SIP,
 * AudioSocket) or whose detection does not cover Japanese (TELEPHONY.md §0, §6). Its premise, from
 * Asterisk's AMD(): a person answers with one short word (もしもし, はい, hello) and waits; a machine
 * talks for seconds. Figures (TELEPHONY.md §6):
 */
export interface GreetingRules {
  /** Speech this long without a pause means a machine: Twilio's MachineDetectionSpeechThreshold default, 2400 ms. */
  readonly machineSpeechMs: number;
  /** Silence that ends the greeting, so a shorter greeting was a person: Asterisk's after_greeting_silence, 800 ms. */
  readonly endSilenceMs: number;
  /**
   * No speech for this long: unsure. Asterisk calls it MACHINE (initial_silence 2500 ms); we hand the
   * call to the agent instead, whose greeting and no-input handling is the behavioural check §6 recommends.
   */
  readonly initialSilenceMs: number;
  /** Voiced runs shorter than this are clicks, not words: Asterisk's min_word_length, 100 ms. */
  readonly minWordMs: number;
  /** Mean absolute amplitude (of 32767) above which a frame is voiced: Asterisk's silence_threshold, 256. */
  readonly silenceThreshold: number;
  /** A verdict within this much audio: Asterisk's total_analysis_time, 5000 ms. */
  readonly maxAnalysisMs: number;
}

export const GREETING_RULES: GreetingRules = {
  machineSpeechMs: 2400,
  endSilenceMs: 800,
  initialSilenceMs: 2500,
  minWordMs: 100,
  silenceThreshold: 256,
  maxAnalysisMs: 5000,
};

export type GreetingVerdict = 'human' | 'machine' | 'unsure';

/** Mean absolute amplitude of a frame. */
function level(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += Math.abs(s);
  return samples.length === 0 ? 0 : sum / samples.length;
}

/**
 * Feeds on the answered call's first frames (stream time, never the wall clock) and gives a verdict
 * as soon as the rules allow: `machine` once speech has run `machineSpeechMs` with no pause of
 * `endSilenceMs`; `human` when a shorter greeting is followed by that pause; `unsure` when nobody
 * spoke for `initialSilenceMs`. Null while undecided.
 */
export class GreetingClassifier {
  private nowMs = 0;
  private runStartMs: number | null = null;
  private speechStartMs: number | null = null;
  private lastVoicedEndMs = 0;
  private verdict: GreetingVerdict | null = null;

  constructor(private readonly rules: GreetingRules = GREETING_RULES) {}

  push(frame: AudioFrame): GreetingVerdict | null {
    if (this.verdict) return this.verdict;
    const durationMs = (frame.samples.length / frame.sampleRateHz) * 1000 || FRAME_MS;
    const startMs = this.nowMs;
    this.nowMs += durationMs;
    const r = this.rules;
    if (level(frame.samples) > r.silenceThreshold) {
      this.runStartMs ??= startMs;
      this.lastVoicedEndMs = this.nowMs;
      if (this.speechStartMs === null && this.nowMs - this.runStartMs >= r.minWordMs) this.speechStartMs = this.runStartMs;
    } else {
      this.runStartMs = null;
    }
    if (this.speechStartMs !== null) {
      if (this.lastVoicedEndMs - this.speechStartMs >= r.machineSpeechMs) return this.decide('machine');
      if (this.nowMs - this.lastVoicedEndMs >= r.endSilenceMs) return this.decide('human');
    } else if (this.nowMs >= r.initialSilenceMs) {
      return this.decide('unsure');
    }
    if (this.nowMs >= r.maxAnalysisMs) return this.decide(this.speechStartMs === null ? 'unsure' : 'machine');
    return null;
  }

  private decide(verdict: GreetingVerdict): GreetingVerdict {
    this.verdict = verdict;
    return verdict;
  }
}
