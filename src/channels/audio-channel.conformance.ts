import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudioFrame } from '../media/frame';
import type { AudioChannel } from './audio-channel';

type Caption = { speaker: 'agent' | 'caller'; text: string; final: boolean };

/** The caller's end of the line, as the test drives and observes it (socket, carrier, memory). */
export interface AudioChannelRemote {
  /** One caller frame arrives (at the channel's rate, 20 ms). */
  sendFrame(frame: AudioFrame): void;
  sendDtmf(digits: string): void;
  /** Typed text, for channels that offer a text box; leave out otherwise. */
  sendText?(text: string): void;
  /** The caller ends the call from their side. */
  hangUp(): void;
  /** Agent audio that reached the caller, as sample arrays, in order. */
  framesHeard(): Int16Array[];
  captionsSeen(): Caption[];
  /** Everything else the caller was shown (may include the channel's own protocol messages). */
  controlsSeen(): Record<string, unknown>[];
}

/** What a channel's test file hands the suite for one test. */
export interface AudioChannelConformanceSetup {
  readonly channel: AudioChannel;
  readonly remote: AudioChannelRemote;
  /** What the channel's carrier really does with keys: true when tones can come inside the audio. */
  readonly carriesInBandTones: boolean;
  /**
   * What the channel's codec makes of one sample on the way through (G.711 is lossy); frames are
   * compared after it. Leave out for a lossless channel.
   */
  readonly roundTrip?: (sample: number) => number;
  /** False for a phone: captions and controls have nowhere to go and must be accepted quietly. Default true. */
  readonly hasScreen?: boolean;
  teardown?(): Promise<void> | void;
}

/** A 20 ms frame at `rateHz` whose samples all equal `marker`, so order can be checked. */
function markedFrame(rateHz: number, marker: number): AudioFrame {
  return { samples: new Int16Array(rateHz / 50).fill(marker), sampleRateHz: rateHz };
}

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * Registers the behaviour audio-channel.ts promises of every AudioChannel — the softphone over its
 * WebSocket and the in-memory test channel alike (SIP and carrier streams later): caller frames,
 * digits and text to every listener in arrival order; a declared in-band keypad capability that
 * matches the carrier (the media chain runs its tone detector only where it is true); agent frames at the channel's own rate only;
 * captions and controls to the caller; close idempotent, onClose once with the first side's reason,
 * and nothing delivered or sent after close. Call it inside a test file.
 */
export function audioChannelConformance(
  name: string,
  makeSetup: () => Promise<AudioChannelConformanceSetup> | AudioChannelConformanceSetup,
): void {
  describe(`AudioChannel conformance: ${name}`, () => {
    let setup: AudioChannelConformanceSetup;
    let rate: number;

    beforeEach(async () => {
      setup = await makeSetup();
      rate = setup.channel.sampleRateHz;
    });
    const through = (sample: number) => setup.roundTrip?.(sample) ?? sample;

    afterEach(async () => {
      await setup.teardown?.();
    });

    it('names its kind and runs at a rate with whole 20 ms frames', () => {
      expect(typeof setup.channel.kind).toBe('string');
      expect(setup.channel.kind).not.toBe('');
      expect(Number.isInteger(rate) && rate > 0 && rate % 50 === 0).toBe(true);
    });

    it('declares whether keypad tones come in the audio, as its carrier does, and keeps that for the call', () => {
      expect(setup.channel.inBandDtmf).toBe(setup.carriesInBandTones);
      setup.remote.sendDtmf('1');
      setup.remote.sendFrame(markedFrame(rate, 1));
      expect(setup.channel.inBandDtmf).toBe(setup.carriesInBandTones);
    });

    it('delivers caller frames to every listener, in arrival order, at its rate', () => {
      const first: number[] = [];
      const second: number[] = [];
      setup.channel.onFrame((f) => {
        expect(f.sampleRateHz).toBe(rate);
        expect(f.samples.length).toBe(rate / 50);
        first.push(f.samples[0]!);
      });
      setup.channel.onFrame((f) => second.push(f.samples[0]!));
      for (let i = 1; i <= 5; i++) setup.remote.sendFrame(markedFrame(rate, i * 100));
      expect(first).toEqual([100, 200, 300, 400, 500].map(through));
      expect(second).toEqual(first);
    });

    it('delivers out-of-band digits, and typed text where the channel offers it', () => {
      const digits: string[] = [];
      const texts: Array<[string, string, boolean]> = [];
      setup.channel.onDtmf((d) => digits.push(d));
      setup.channel.onText((text, source, isFinal) => texts.push([text, source, isFinal]));
      setup.remote.sendDtmf('12');
      setup.remote.sendDtmf('#');
      // Carriers send one event per key, the softphone a run: the keys and their order are what count.
      expect(digits.join('')).toBe('12#');
      expect(digits.every((d) => d !== '')).toBe(true);
      if (setup.remote.sendText) {
        setup.remote.sendText('taro at example dot com');
        expect(texts).toEqual([['taro at example dot com', 'typed', true]]);
      }
    });

    it('sends agent frames to the caller in order', () => {
      for (let i = 1; i <= 3; i++) setup.channel.sendFrame(markedFrame(rate, -i * 1000));
      expect(setup.remote.framesHeard().map((s) => [s.length, s[0]])).toEqual([
        [rate / 50, through(-1000)],
        [rate / 50, through(-2000)],
        [rate / 50, through(-3000)],
      ]);
    });

    it('refuses an agent frame of another rate or length, and sends none of it', () => {
      const otherRate = rate === 16000 ? 8000 : 16000;
      expect(thrown(() => setup.channel.sendFrame(markedFrame(otherRate, 1)))).toBeInstanceOf(Error);
      expect(thrown(() => setup.channel.sendFrame({ samples: new Int16Array(rate / 50 - 1), sampleRateHz: rate }))).toBeInstanceOf(Error);
      expect(setup.remote.framesHeard()).toEqual([]);
    });

    it('shows captions and controls to the caller, or accepts them quietly where there is no screen', () => {
      if (setup.hasScreen === false) {
        expect(() => setup.channel.sendCaption({ speaker: 'agent', text: 'こんにちは', final: false })).not.toThrow();
        expect(() => setup.channel.sendControl({ type: 'listening', expecting: 'code' })).not.toThrow();
        expect(setup.remote.captionsSeen()).toEqual([]);
        expect(setup.remote.controlsSeen()).toEqual([]);
        expect(setup.remote.framesHeard()).toEqual([]);
        return;
      }
      setup.channel.sendCaption({ speaker: 'agent', text: 'こんにちは', final: false });
      setup.channel.sendCaption({ speaker: 'caller', text: 'はい', final: true });
      setup.channel.sendControl({ type: 'listening', expecting: 'code' });
      expect(setup.remote.captionsSeen()).toEqual([
        { speaker: 'agent', text: 'こんにちは', final: false },
        { speaker: 'caller', text: 'はい', final: true },
      ]);
      expect(setup.remote.controlsSeen()).toContainEqual({ type: 'listening', expecting: 'code' });
    });

    it('closes once: onClose fires a single time with the first reason, a second close is a no-op', () => {
      const reasons: string[] = [];
      setup.channel.onClose((r) => reasons.push(r));
      setup.channel.onClose((r) => reasons.push(`second listener: ${r}`));
      setup.channel.close('ended');
      setup.channel.close('shutdown');
      setup.remote.hangUp();
      expect(reasons).toEqual(['ended', 'second listener: ended']);
    });

    it('reports a hang-up from the caller once, and a later close does not report again', () => {
      const reasons: string[] = [];
      setup.channel.onClose((r) => reasons.push(r));
      setup.remote.hangUp();
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(/\S/);
      setup.channel.close('ended');
      expect(reasons).toHaveLength(1);
    });

    it('delivers and sends nothing after close, without throwing', () => {
      const heard: unknown[] = [];
      setup.channel.onFrame((f) => heard.push(f));
      setup.channel.onDtmf((d) => heard.push(d));
      setup.channel.onText((t) => heard.push(t));
      setup.channel.close('ended');
      const captions = setup.remote.captionsSeen().length;
      const controls = setup.remote.controlsSeen().length;
      setup.remote.sendFrame(markedFrame(rate, 7));
      setup.remote.sendDtmf('5');
      setup.remote.sendText?.('late');
      expect(() => setup.channel.sendFrame(markedFrame(rate, 7))).not.toThrow();
      expect(() => setup.channel.sendCaption({ speaker: 'agent', text: 'late', final: true })).not.toThrow();
      expect(() => setup.channel.sendControl({ type: 'late' })).not.toThrow();
      expect(heard).toEqual([]);
      expect(setup.remote.framesHeard()).toEqual([]);
      expect(setup.remote.captionsSeen()).toHaveLength(captions);
      expect(setup.remote.controlsSeen()).toHaveLength(controls);
    });
  });
}
