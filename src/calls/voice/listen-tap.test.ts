import { describe, expect, it } from 'vitest';
import { CallTap, LISTEN_FRAME_SAMPLES, type TapEndReason } from '../live/call-tap';
import { generateDtmf } from '../../media/dtmf/generator';
import { chunks, sine, toneAmplitude } from '../../media/testing/signals';
import { TickAudio } from './tick-audio';
import { createBridgeRig } from './testing/voice-test-kit';

/** A console listener that keeps what it was sent. */
function listener() {
  const got = { frames: [] as Int16Array[], paused: [] as boolean[], ended: [] as TapEndReason[] };
  return {
    got,
    listener: {
      frame: (s: Int16Array) => got.frames.push(s),
      paused: (p: boolean) => got.paused.push(p),
      ended: (r: TapEndReason) => got.ended.push(r),
    },
  };
}

const frames8k = (samples: Int16Array) => chunks(samples, 160).map((s) => ({ samples: s, sampleRateHz: 8000 }));
const silent = (f: Int16Array) => f.every((s) => s === 0);

describe('listen in: the call tap on the voice bridge (issue 10)', () => {
  it('keeps no caller audio while nobody listens and there is no recording', () => {
    const tap = new CallTap();
    const audio = new TickAudio(null, tap, () => undefined);
    for (let i = 0; i < 10; i++) audio.caller(sine(440, 8000, 16000, LISTEN_FRAME_SAMPLES));
    const { got, listener: l } = listener();
    tap.add(l);
    audio.tick(new Int16Array(LISTEN_FRAME_SAMPLES));
    // The tone came before anyone listened: it was dropped, not queued for the first listener.
    expect(got.frames).toHaveLength(1);
    expect(silent(got.frames[0]!)).toBe(true);
  });

  it('mixes caller and agent for a listener, sends silence while the caller keys the code, and ends with the call', async () => {
    const tap = new CallTap();
    const rig = createBridgeRig({ tap });
    const { got, listener: l } = listener();
    tap.add(l);
    expect(got.paused).toEqual([false]);

    // Before the code step the caller's tone reaches the listener.
    await rig.play(frames8k(sine(697, 8000, 8000, 8000 / 2)));
    const heard = got.frames.slice(5);
    expect(heard.length).toBeGreaterThan(15);
    expect(Math.max(...heard.map((f) => toneAmplitude(f, 697, 16000)))).toBeGreaterThan(2000);

    // The code step: the caller keys 8 digits in band; the bridge hears them, the listener hears nothing.
    rig.bridge.apply({ type: 'listen', expecting: 'code', endpointing: 'digits' });
    rig.bridge.apply({ type: 'pause_recording' });
    expect(got.paused).toEqual([false, true]);
    const from = got.frames.length;
    await rig.play(frames8k(generateDtmf('12345678', { sampleRateHz: 8000 })));
    await rig.silence(200);
    const codeSpan = got.frames.slice(from);
    expect(codeSpan.length).toBeGreaterThan(70);
    expect(codeSpan.every(silent)).toBe(true);
    const keyed = rig.events.flatMap((e) => (e.type === 'dtmf' ? [e.digits] : [])).join('');
    expect(keyed).toBe('12345678');

    // The agent moves on: audio again.
    rig.bridge.apply({ type: 'resume_recording' });
    rig.bridge.apply({ type: 'listen', expecting: 'free' });
    expect(got.paused).toEqual([false, true, false]);
    const after = got.frames.length;
    await rig.play(frames8k(sine(697, 8000, 8000, 8000 / 2)));
    expect(Math.max(...got.frames.slice(after + 5).map((f) => toneAmplitude(f, 697, 16000)))).toBeGreaterThan(2000);

    await rig.bridge.close();
    expect(got.ended).toEqual(['call_ended']);
  });

  it('keeps the code span silent on a call that is not recorded (the recording pause never comes)', async () => {
    const tap = new CallTap();
    const rig = createBridgeRig({ tap, recorder: null });
    const { got, listener: l } = listener();
    tap.add(l);
    rig.bridge.apply({ type: 'listen', expecting: 'code', endpointing: 'digits' });
    const from = got.frames.length;
    await rig.play(frames8k(generateDtmf('98765432', { sampleRateHz: 8000 })));
    expect(got.frames.slice(from).every(silent)).toBe(true);
    expect(got.paused).toEqual([false, true]);
    await rig.bridge.close();
  });
});
