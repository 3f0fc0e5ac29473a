import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallChannel, CallerInput } from './call-channel';

/** The caller's end of a connected call, as the test drives and observes it. */
export interface CallChannelRemote {
  /** The caller says (or types) a line. */
  say(text: string): void;
  /** The caller presses keys. */
  dtmf(digits: string): void;
  /** The caller hangs up on purpose (the page's hang-up button, a BYE). */
  hangUp(): void;
  /** The line goes away without a hang-up (socket dropped, network lost). */
  dropLine(): void;
  /** Lets asynchronous delivery happen (sockets, synthesis, the playout clock). */
  settle(): Promise<void>;
  /** The agent's prompts as the caller was shown or heard them, as text, in order. */
  agentLines(): string[];
  /** The outcome the caller was told, or null. */
  outcomeShown(): string | null;
  lineClosed(): boolean;
}

/** What a channel's test file hands the suite for one test. */
export interface CallChannelConformanceSetup {
  readonly channel: CallChannel;
  readonly remote: CallChannelRemote;
  teardown?(): Promise<void> | void;
}

/**
 * Registers the behaviour channel.ts promises of every CallChannel — the text channel, the softphone
 * as a text call, and the voice line alike: caller input in order; the agent's prompts and the outcome
 * reach the caller; a caller's hang-up or a lost line is reported to the session once (as a `hangup`
 * input or through onClose); the session's own close is not reported back, is idempotent, and output
 * after it goes nowhere without throwing. Call it inside a test file.
 */
export function callChannelConformance(
  name: string,
  makeSetup: () => Promise<CallChannelConformanceSetup> | CallChannelConformanceSetup,
): void {
  describe(`CallChannel conformance: ${name}`, () => {
    let setup: CallChannelConformanceSetup;
    let inputs: CallerInput[];
    let closes: number;
    /** How often the session was told the caller is gone, either way. */
    const goneReports = () => inputs.filter((i) => i.type === 'hangup').length + closes;

    beforeEach(async () => {
      setup = await makeSetup();
      inputs = [];
      closes = 0;
      setup.channel.onInput((input) => inputs.push(input));
      setup.channel.onClose(() => closes++);
    });

    afterEach(async () => {
      await setup.teardown?.();
    });

    it('delivers what the caller says and keys, in order', async () => {
      setup.remote.say('はい');
      await setup.remote.settle();
      setup.remote.dtmf('12');
      await setup.remote.settle();
      setup.remote.say('taro at example dot com');
      await setup.remote.settle();
      expect(inputs[0]).toEqual({ type: 'utterance', text: 'はい', isFinal: true });
      expect(inputs.at(-1)).toEqual({ type: 'utterance', text: 'taro at example dot com', isFinal: true });
      const keys = inputs.slice(1, -1);
      expect(keys.every((i) => i.type === 'dtmf')).toBe(true);
      expect(keys.map((i) => (i.type === 'dtmf' ? i.digits : '')).join('')).toBe('12');
    });

    it("puts the agent's prompt and the outcome in front of the caller", async () => {
      setup.channel.agentSays('お電話ありがとうございます。', 'prompt');
      setup.channel.listening('confirmation');
      await setup.remote.settle();
      setup.channel.end('mfa_reset');
      await setup.remote.settle();
      expect(setup.remote.agentLines()).toContain('お電話ありがとうございます。');
      expect(setup.remote.outcomeShown()).toBe('mfa_reset');
    });

    it('closes the line after end and close, and does not report its own close back', async () => {
      setup.channel.agentSays('失礼いたします。', 'prompt');
      setup.channel.end('verification_failed');
      setup.channel.close('ended');
      await setup.remote.settle();
      expect(setup.remote.lineClosed()).toBe(true);
      expect(setup.remote.outcomeShown()).toBe('verification_failed');
      expect(goneReports()).toBe(0);
    });

    it('cuts the line at once on shutdown, is idempotent, and does not report its own close back', async () => {
      setup.channel.close('shutdown');
      expect(setup.remote.lineClosed()).toBe(true);
      setup.channel.close('shutdown');
      setup.channel.close('ended');
      await setup.remote.settle();
      expect(goneReports()).toBe(0);
    });

    it("reports the caller's hang-up to the session once", async () => {
      setup.remote.hangUp();
      await setup.remote.settle();
      expect(goneReports()).toBe(1);
    });

    it('reports a lost line to the session once', async () => {
      setup.remote.dropLine();
      await setup.remote.settle();
      expect(goneReports()).toBe(1);
      expect(setup.remote.lineClosed()).toBe(true);
    });

    it('sends nothing after its close, without throwing', async () => {
      setup.channel.close('shutdown');
      await setup.remote.settle();
      expect(() => {
        setup.channel.agentSays('too late', 'prompt');
        setup.channel.listening('free');
        setup.channel.end('abandoned');
      }).not.toThrow();
      await setup.remote.settle();
      expect(setup.remote.agentLines()).not.toContain('too late');
      expect(setup.remote.outcomeShown()).toBeNull();
    });
  });
}
