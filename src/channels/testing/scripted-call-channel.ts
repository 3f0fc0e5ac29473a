import type { ListenExpecting, Outcome } from '../../agent';
import type { CallChannel, CallerInput } from '../call-channel';

/**
 * A CallChannel for tests that a test types into directly, with no socket: `say`/`dtmf` deliver
 * caller input synchronously, and what the agent sent is kept in `agentLines`, `expecting` and
 * `outcome`. It keeps the contract's close rules (call-channel.conformance.ts, which runs against it):
 * a hang-up or a dropped line is reported once, the session's own close is not reported back, and
 * output after any close goes nowhere.
 */
export class ScriptedCallChannel implements CallChannel {
  /** Prompts and backchannels the agent said, in order. */
  readonly agentLines: string[] = [];
  /** What the agent last listened for, or null before it listened. */
  expecting: ListenExpecting | null = null;
  /** The outcome the agent ended with, or null. */
  outcome: Outcome | null = null;
  closed = false;
  private inputListener: (input: CallerInput) => void = () => undefined;
  private readonly closeListeners: Array<() => void> = [];

  /** `reportsPlayout`: stands in for an audio channel, whose test calls promptPlayed() when words have played. */
  constructor(readonly reportsPlayout = false) {}

  onInput(listener: (input: CallerInput) => void): void {
    this.inputListener = listener;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  agentSays(text: string): void {
    if (!this.closed) this.agentLines.push(text);
  }

  listening(expecting: ListenExpecting): void {
    if (!this.closed) this.expecting = expecting;
  }

  end(outcome: Outcome): void {
    if (!this.closed) this.outcome = outcome;
  }

  /** The session closes the line: never reported back to it. */
  close(): void {
    this.closed = true;
  }

  /** The caller says (or types) a final line. */
  say(text: string): void {
    if (!this.closed) this.inputListener({ type: 'utterance', text, isFinal: true });
  }

  /** The agent's words so far have reached the caller (an audio channel's report). */
  promptPlayed(): void {
    if (!this.closed) this.inputListener({ type: 'prompt_played' });
  }

  /** The caller presses keys. */
  dtmf(digits: string): void {
    if (!this.closed) this.inputListener({ type: 'dtmf', digits });
  }

  /** The caller hangs up on purpose: reported once, as a `hangup` input. */
  hangUp(): void {
    if (this.closed) return;
    this.closed = true;
    this.inputListener({ type: 'hangup' });
  }

  /** The line is lost without a hang-up: reported once, through onClose. */
  dropLine(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener();
  }
}
