import type { AudioFrame } from '../frame';
import type { VoiceActivityDetector } from '../vad/voice-activity-detector';

/** Probabilities the scripted VAD reports: well clear of any speech threshold either way. */
const SPEECH = 0.95;
const SILENCE = 0.02;

export interface ScriptedVadOptions {
  /** Which frames count as speech; default: any sample louder than `threshold` (so test tones and synthesized prompts do). */
  readonly isSpeech?: (frame: AudioFrame) => boolean;
  /** Peak amplitude (PCM16) above which a frame is speech, for the default rule. */
  readonly threshold?: number;
}

/**
 * Test fake for Silero: a deterministic voice activity detector with no model to load. Every frame
 * is speech or silence by a rule the test controls, answered at once, so voice-bridge tests run
 * without onnxruntime; tests of real speech detection use Silero and say so in their names.
 */
export function createScriptedVad(options: ScriptedVadOptions = {}): {
  createDetector(): VoiceActivityDetector;
  readonly detectors: number;
} {
  const threshold = options.threshold ?? 500;
  const isSpeech = options.isSpeech ?? ((frame: AudioFrame) => frame.samples.some((s) => Math.abs(s) > threshold));
  let detectors = 0;
  return {
    createDetector() {
      detectors++;
      return {
        process: async (frame) => (isSpeech(frame) ? SPEECH : SILENCE),
        reset: () => undefined,
      };
    },
    get detectors() {
      return detectors;
    },
  };
}
