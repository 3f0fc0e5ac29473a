import type { AudioFrame } from '../frame';

/** Per-call voice activity detection: feed every inbound frame in order, get a speech probability. */
export interface VoiceActivityDetector {
  /** Speech probability 0..1 for the most recent audio (held between model windows). */
  process(frame: AudioFrame): Promise<number>;
  /** Forgets the call's audio history (e.g. after a long pause or a channel change). */
  reset(): void;
}
