import type { AgentTuning } from './types';

/** Defaults chosen to feel like a patient human agent on the phone, not a kiosk. */
export const DEFAULT_TUNING: AgentTuning = {
  noInputMs: 7000,
  spellingNoInputMs: 8000,
  codeNoInputMs: 15000,
  waitCheckBackMs: 20000,
  maxWaitCheckBacks: 4,
  maxNoInputs: 3,
  maxUnclear: 3,
  maxEmailAttempts: 3,
  maxEmailTurns: 12,
  maxCodeAttempts: 3,
  maxCodeResends: 2,
  codeLength: 8,
  // The voice path ends a turn the moment the 8th digit is heard (voice-bridge), so the window starts right
  // after the last digit. Speakers who catch their own slip mostly break off within or right after the wrong
  // word (Levelt 1983, "Monitoring and self-repair in speech", Cognition 14), and a recognizer's first interim
  // result comes some 0.3-0.5 s after speech starts; an interim restarts the window. 2 s covers both with
  // margin and costs a caller who got it right 2 s, once.
  settleMs: 2000,
  minConfidence: 0.35,
  slowerRates: [0.85, 0.7],
  // Measured: Open JTalk speaks about 5.3 characters a second of mixed kana/kanji, espeak-ng about 16 in English;
  // the estimate errs long so the no-input timer never starts before the prompt has finished playing.
  charsPerSecond: { ja: 5, en: 14 },
};
