import { describe, expect, it } from 'vitest';
import { type AudioFrame, concatSamples } from '../../media/frame';
import { sine } from '../../media/testing/signals';
import { decodePcm16le, encodePcm16le } from '../../telephony/softphone/protocol';
import { createSoftphoneChannel } from '../../telephony/softphone/softphone-channel';
import { FakeSoftphoneSocket } from '../../telephony/softphone/testing-socket';
import { openInMemoryStream } from '../../telephony/media-stream/testing/in-memory-stream';
import { twilioWire } from '../../telephony/media-stream/testing/twilio-wire';
import { InMemoryAudioChannel } from '../voice/testing/in-memory-channel';
import { CALLER_HANGUP, OPERATOR_HANGUP, bridgeAudio } from './audio-bridge';

/** Power of one frequency in the signal (Goertzel), normalised by length. */
function power(samples: Int16Array, freqHz: number, rateHz: number): number {
  const k = 2 * Math.cos((2 * Math.PI * freqHz) / rateHz);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / samples.length ** 2;
}

/** The tone is there, and it dominates a frequency that is not (so it is the tone, not noise or garbage). */
function expectTone(samples: Int16Array, rateHz: number, toneHz: number, otherHz: number) {
  expect(samples.length).toBeGreaterThan(rateHz / 5);
  const tone = power(samples, toneHz, rateHz);
  expect(tone).toBeGreaterThan(1000 * power(samples, otherHz, rateHz));
  // Energy: a 8000-amplitude sine has about 8000/√2 RMS; the bridge must not attenuate it much (μ-law ±3%).
  const rmsValue = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
  expect(rmsValue).toBeGreaterThan(4500);
}

/** `count` 20 ms frames of a tone at the rate, continuous in phase. */
function toneFrames(freqHz: number, rateHz: number, count: number): AudioFrame[] {
  const perFrame = rateHz / 50;
  const all = sine(freqHz, 8000, rateHz, perFrame * count);
  return Array.from({ length: count }, (_, i) => ({ samples: all.slice(i * perFrame, (i + 1) * perFrame), sampleRateHz: rateHz }));
}

// The resampler's filter delays the start a little: judge the steady part.
const steady = (samples: Int16Array, rateHz: number) => samples.subarray(rateHz / 25);

describe('bridgeAudio', () => {
  it('carries audio both ways between an 8 kHz line and a 16 kHz page, resampled, the tones intact', () => {
    const caller = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    const operator = new InMemoryAudioChannel({ sampleRateHz: 16000, kind: 'softphone' });
    const bridge = bridgeAudio(caller, operator);
    for (const f of toneFrames(1000, 8000, 25)) caller.receiveFrame(f);
    for (const f of toneFrames(440, 16000, 25)) operator.receiveFrame(f);
    expect(operator.sent.every((f) => f.sampleRateHz === 16000 && f.samples.length === 320)).toBe(true);
    expect(caller.sent.every((f) => f.sampleRateHz === 8000 && f.samples.length === 160)).toBe(true);
    expectTone(steady(concatSamples(operator.sent.map((f) => f.samples)), 16000), 16000, 1000, 2300);
    expectTone(steady(concatSamples(caller.sent.map((f) => f.samples)), 8000), 8000, 440, 1700);
    expect(bridge.stats().callerToOperator).toBe(operator.sent.length);
    expect(bridge.stats().operatorToCaller).toBe(caller.sent.length);
  });

  it('softphone page ↔ Twilio media stream: what each side says, the other side hears', async () => {
    const { channel, carrier } = await openInMemoryStream(twilioWire());
    const page = new FakeSoftphoneSocket();
    const operator = createSoftphoneChannel(page);
    const bridge = bridgeAudio(channel!, operator);

    // The caller's phone sends 1 kHz (μ-law over the stream); the operator's page gets PCM16 at 16 kHz.
    for (const f of toneFrames(1000, 8000, 30)) carrier.sendAudio(f.samples);
    const atPage = concatSamples(page.binary().map((b) => decodePcm16le(b)));
    expectTone(steady(atPage, 16000), 16000, 1000, 2300);

    // The operator's microphone sends 440 Hz; the phone hears it.
    for (const f of toneFrames(440, 16000, 30)) page.receive(encodePcm16le(f.samples), true);
    expectTone(steady(concatSamples(carrier.heard()), 8000), 8000, 440, 1700);

    carrier.sendDtmf('5');
    expect(page.json()).toContainEqual({ type: 'caller_dtmf', digits: '5' });
    expect(bridge.stats().callerToOperator).toBeGreaterThan(0);
  });

  it('a caller hang-up ends the bridge and closes the operator leg; nothing flows after', async () => {
    const caller = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    const operator = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    const bridge = bridgeAudio(caller, operator);
    caller.hangUp();
    await expect(bridge.ended).resolves.toEqual({ by: 'caller', reason: 'remote_hangup' });
    expect(operator.closedReason).toBe(CALLER_HANGUP);
  });

  it('an operator hang-up from the page closes the caller line', async () => {
    const caller = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    const page = new FakeSoftphoneSocket();
    const bridge = bridgeAudio(caller, createSoftphoneChannel(page));
    page.receive({ type: 'hangup' });
    await expect(bridge.ended).resolves.toMatchObject({ by: 'operator', lost: false });
    expect(caller.closedReason).toBe(OPERATOR_HANGUP);
  });

  it('an operator whose page drops leaves the caller on the line for the host, and the bridge stops carrying audio', async () => {
    const caller = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    const page = new FakeSoftphoneSocket();
    const bridge = bridgeAudio(caller, createSoftphoneChannel(page));
    page.drop();
    await expect(bridge.ended).resolves.toEqual({ by: 'operator', reason: 'disconnected', lost: true });
    expect(caller.closedReason).toBeNull();
    const before = page.binary().length;
    for (const f of toneFrames(1000, 8000, 5)) caller.receiveFrame(f);
    expect(page.binary()).toHaveLength(before);
    expect(bridge.stats().callerToOperator).toBe(0);
  });

  it('release() hands the caller back with both legs open', async () => {
    const caller = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    const operator = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    const bridge = bridgeAudio(caller, operator);
    bridge.release();
    await expect(bridge.ended).resolves.toEqual({ by: 'host', reason: 'released' });
    for (const f of toneFrames(1000, 8000, 3)) caller.receiveFrame(f);
    expect(operator.sent).toHaveLength(0);
    expect([caller.closedReason, operator.closedReason]).toEqual([null, null]);
  });
});
