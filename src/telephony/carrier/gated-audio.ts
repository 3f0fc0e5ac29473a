import type { AudioChannel, PlayoutMarks } from '../../channels/audio-channel';
import type { AudioFrame } from '../../media/frame';
import { GREETING_RULES, GreetingClassifier, type GreetingRules, type GreetingVerdict } from './greeting-classifier';

/**
 * The carrier's audio as the agent's voice line sees it, with a switch in front: once cut, the line
 * hears nothing more, sends nothing more and cannot close the call, so the carrier call service can
 * take the real channel back (an answering machine reported mid-call) and play the machine message.
 */
export class GatedAudio implements AudioChannel {
  readonly kind: string;
  readonly inBandDtmf: boolean;
  readonly sampleRateHz: number;
  readonly playout?: PlayoutMarks;
  private isCut = false;

  constructor(private readonly raw: AudioChannel) {
    this.kind = raw.kind;
    this.inBandDtmf = raw.inBandDtmf;
    this.sampleRateHz = raw.sampleRateHz;
    const playout = raw.playout;
    if (playout) {
      // Marks and flushes of a line that was cut must not touch the machine message that follows.
      this.playout = {
        mark: (name) => {
          if (!this.isCut) playout.mark(name);
        },
        clear: () => {
          if (!this.isCut) playout.clear();
        },
        onPlayed: (listener) =>
          playout.onPlayed((name) => {
            if (!this.isCut) listener(name);
          }),
      };
    }
  }

  /** From now on the voice line is disconnected from the call (idempotent). */
  cut(): void {
    this.isCut = true;
  }

  onFrame(listener: (frame: AudioFrame) => void): void {
    this.raw.onFrame((frame) => {
      if (!this.isCut) listener(frame);
    });
  }
  sendFrame(frame: AudioFrame): void {
    if (!this.isCut) this.raw.sendFrame(frame);
  }
  onDtmf(listener: (digits: string) => void): void {
    this.raw.onDtmf((digits) => {
      if (!this.isCut) listener(digits);
    });
  }
  onText(listener: (text: string, source: 'typed' | 'browser-asr', isFinal: boolean) => void): void {
    this.raw.onText((text, source, isFinal) => {
      if (!this.isCut) listener(text, source, isFinal);
    });
  }
  sendCaption(caption: { speaker: 'agent' | 'caller'; text: string; final: boolean }): void {
    if (!this.isCut) this.raw.sendCaption(caption);
  }
  sendControl(message: Record<string, unknown>): void {
    if (!this.isCut) this.raw.sendControl(message);
  }
  onClose(listener: (reason: string) => void): void {
    this.raw.onClose((reason) => {
      if (!this.isCut) listener(reason);
    });
  }
  close(reason: string): void {
    if (!this.isCut) this.raw.close(reason);
  }
}

/** What listening to the greeting gave: a verdict, a key pressed (a person), the line closing, or a verdict from outside. */
export type GateResult = GreetingVerdict | 'closed';

/**
 * Listens to the answered call's first audio with the greeting classifier, in front of the agent.
 * A keypad digit means a person. `interrupt` settles it from outside (the carrier's own detection
 * said `machine` meanwhile). Frames after the verdict are left to whoever listens next.
 */
export function listenToGreeting(
  audio: AudioChannel,
  rules: GreetingRules = GREETING_RULES,
): { result: Promise<GateResult>; interrupt(result: GateResult): void } {
  let settle: (result: GateResult) => void = () => undefined;
  let settled = false;
  const result = new Promise<GateResult>((resolve) => {
    settle = (r) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
  });
  const classifier = new GreetingClassifier(rules);
  audio.onFrame((frame) => {
    if (settled) return;
    const verdict = classifier.push(frame);
    if (verdict) settle(verdict);
  });
  audio.onDtmf(() => settle('human'));
  audio.onClose(() => settle('closed'));
  return { result, interrupt: settle };
}
