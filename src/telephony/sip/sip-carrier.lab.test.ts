import { afterEach, describe, expect, it } from 'vitest';
import type { CallProgress, CarrierEvents } from '../../channels/carrier';
import { rms, sine } from '../../media/testing/signals';
import type { RtpAudioChannel } from './rtp-channel';
import { SipCarrier } from './sip-carrier';
import { LAB_PASSWORD, LAB_PHONE, LAB_USER, startSipLab, type SipLab } from './testing/sip-lab';

// Real Kamailio + baresip (TELEPHONY.md §4.8): aizuchi dials the customer's phone through the proxy.

interface Recorder extends CarrierEvents {
  readonly progress: CarrierEvents['progress'];
  readonly seen: CallProgress[];
  readonly channels: RtpAudioChannel[];
  readonly digits: string[];
  readonly closes: string[];
  ended(): Promise<CallProgress>;
  answeredOnce(): Promise<RtpAudioChannel>;
}

function recorder(): Recorder {
  const seen: CallProgress[] = [];
  const channels: RtpAudioChannel[] = [];
  const digits: string[] = [];
  const closes: string[] = [];
  const wake: Array<() => void> = [];
  const until = <T>(get: () => T | undefined) =>
    new Promise<T>((resolve) => {
      const check = () => {
        const v = get();
        if (v !== undefined) resolve(v);
        else wake.push(check);
      };
      check();
    });
  const poke = () => wake.splice(0).forEach((w) => w());
  return {
    seen,
    channels,
    digits,
    closes,
    async progress(_leg, p) {
      seen.push(p);
      poke();
    },
    async answered(token, audio) {
      expect(token).toBe('media-token-1');
      const channel = audio as RtpAudioChannel;
      channels.push(channel);
      audio.onDtmf((d) => {
        digits.push(d);
        poke();
      });
      audio.onClose((r) => {
        closes.push(r);
        poke();
      });
      poke();
      return { ok: true, callId: 'call-1' };
    },
    ended: () => until(() => seen.find((p) => p.kind === 'ended')),
    answeredOnce: () => until(() => channels[0]),
  };
}

const request = (ringTimeoutSec = 20) => ({
  callId: 'call-1',
  toE164: LAB_PHONE,
  lang: 'ja' as const,
  mediaToken: 'media-token-1',
  ringTimeoutSec,
});

/** Plays `samples` into the channel in real time, 20 ms per frame, as the voice chain's clock does. */
function play(channel: RtpAudioChannel, samples: Int16Array): Promise<void> {
  return new Promise((resolve) => {
    let at = 0;
    const timer = setInterval(() => {
      if (at >= samples.length || channel.closed) {
        clearInterval(timer);
        return resolve();
      }
      channel.sendFrame({ samples: samples.slice(at, at + 160), sampleRateHz: 8000 });
      at += 160;
    }, 20);
  });
}

/** The 20 ms windows louder than a quiet room: how many, and from the first to the last. */
function loudFrames(samples: Int16Array): { count: number; span: number } {
  const loud: number[] = [];
  for (let i = 0; i + 160 <= samples.length; i += 160) if (rms(samples.subarray(i, i + 160)) > 1000) loud.push(i / 160);
  return { count: loud.length, span: loud.length === 0 ? 0 : loud[loud.length - 1]! - loud[0]! + 1 };
}

describe('SIP carrier through Kamailio to baresip (real packages)', () => {
  let lab: SipLab | null = null;
  let carrier: SipCarrier | null = null;
  afterEach(async () => {
    await carrier?.close();
    await lab?.stop();
    carrier = null;
    lab = null;
  });

  const dialler = (trunk: string, events: CarrierEvents, transport: 'udp' | 'tcp' = 'udp') =>
    new SipCarrier(
      {
        trunk: trunk.replace('transport=udp', `transport=${transport}`),
        user: LAB_USER,
        password: LAB_PASSWORD,
        from: LAB_USER,
        listen: '127.0.0.1:0',
        rtpPorts: '20000-29999',
        registerExpiresSec: 0,
      },
      events,
    );

  for (const transport of ['udp', 'tcp'] as const) {
    it(`over ${transport}: answered, the greeting is heard in full, keys arrive as digits, and the customer's BYE ends the call`, async () => {
      // The caller's voice: quiet, then long enough that baresip (aufile hangs up at the end) stays on.
      lab = await startSipLab({ callerVoice: new Int16Array(8000 * 30) });
      const events = recorder();
      carrier = dialler(lab.trunk, events, transport);
      const leg = await carrier.place(request());
      expect(leg.carrier).toBe('sip');
      expect(leg.carrierCallId).toMatch(/@aizuchi$/);
      const channel = await events.answeredOnce();
      expect(channel.inBandDtmf).toBe(false); // baresip kept telephone-event
      await lab.waitForEvent('CALL_ESTABLISHED');

      const greeting = sine(440, 8000, 8000, 8000 * 1.5); // 1.5 s, 75 frames
      await play(channel, greeting);
      await lab.command('sndcode 1234#');
      await new Promise<void>((resolve) => {
        const check = () => (events.digits.join('') === '1234#' ? resolve() : setTimeout(check, 50));
        check();
      });
      expect(events.digits).toEqual(['1', '2', '3', '4', '#']);

      await lab.command('hangup');
      expect(await events.ended()).toEqual({ kind: 'ended', result: 'completed' });
      expect(events.closes).toEqual(['caller hung up']);
      expect(events.seen.map((p) => p.kind)).toEqual(['ringing', 'answered', 'ended']);
      await lab.waitForEvent('CALL_CLOSED');

      const [heard] = await lab.recordings();
      const loud = loudFrames(heard!.channels[0]!);
      // The greeting reached the phone at its length: 75 frames; baresip's jitter buffer may drop or
      // stretch a few when this box is loaded, so the bounds allow that and nothing more.
      expect(loud.count).toBeGreaterThanOrEqual(60);
      expect(loud.span).toBeGreaterThanOrEqual(70);
      expect(loud.span).toBeLessThanOrEqual(90);
      expect(channel.stats().packetsIn).toBeGreaterThan(0);
    });
  }

  it('busy: the customer rejects the ringing call and the attempt ends busy', async () => {
    lab = await startSipLab({ callerVoice: new Int16Array(8000 * 10), answermode: 'manual' });
    const events = recorder();
    carrier = dialler(lab.trunk, events);
    await carrier.place(request());
    await lab.waitForEvent('CALL_INCOMING');
    await lab.command('hangup');
    const ended = await events.ended();
    expect(ended).toMatchObject({ kind: 'ended', result: 'busy', sipCode: 486 });
    expect(events.channels).toHaveLength(0);
  });

  it('no answer: after the ring timeout aizuchi CANCELs and the attempt ends no_answer', async () => {
    lab = await startSipLab({ callerVoice: new Int16Array(8000 * 10), answermode: 'manual' });
    const events = recorder();
    carrier = dialler(lab.trunk, events);
    await carrier.place(request(2));
    await lab.waitForEvent('CALL_INCOMING');
    expect(await events.ended()).toMatchObject({ kind: 'ended', result: 'no_answer', sipCode: 487 });
    await lab.waitForEvent('CALL_CLOSED');
    expect(events.channels).toHaveLength(0);
  });

  it('aizuchi hangs up an answered call with BYE and the phone sees it close', async () => {
    lab = await startSipLab({ callerVoice: new Int16Array(8000 * 30) });
    const events = recorder();
    carrier = dialler(lab.trunk, events);
    const leg = await carrier.place(request());
    await events.answeredOnce();
    await lab.waitForEvent('CALL_ESTABLISHED');
    await carrier.hangup(leg);
    expect(await events.ended()).toEqual({ kind: 'ended', result: 'completed' });
    await lab.waitForEvent('CALL_CLOSED');
    await carrier.hangup(leg); // an ended leg is not an error
  });
});
