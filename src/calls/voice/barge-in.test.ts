import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SileroVadModel } from '../../media/vad/silero-vad';
import { FakeRecognizer } from '../../speech/fake/fake-recognizer';
import { createSynthesizer } from '../../speech/synthesis/engine-registry';
import { isShortAcknowledgement } from './acknowledgements';
import { BargeInDetector } from './barge-in';
import { audible, createBridgeRig, realSpeech, type BridgeRig } from './testing/voice-test-kit';

const PROMPT =
  'これから、アカウントの確認のために、いくつか質問をさせていただきます。ご登録のメールアドレスを、一文字ずつ、ゆっくりお話しください。';
const dir = mkdtempSync(join(tmpdir(), 'aizuchi-barge-'));
const synthesizer = createSynthesizer();
let vad: SileroVadModel;
let sentence: Int16Array;
let hai: Int16Array;
/** Audible frames of the prompt played without interruption. */
let baselineAudible = 0;

/** Starts the prompt, lets 1 s of it play, then the caller's audio arrives; returns the onset tick. */
async function promptThenCaller(
  rig: BridgeRig,
  interruptible: boolean,
  caller: Int16Array,
): Promise<{ onsetTick: number; stopTick: number | null }> {
  rig.bridge.apply({ type: 'say', text: PROMPT, interruptible });
  await rig.bridge.synthesized();
  await rig.silence(1000);
  const onsetTick = rig.clock.ticks; // the first caller frame with speech goes with the next tick
  let stopTick: number | null = null;
  await rig.play(rig.channel.framesOf(caller, 8000), () => {
    if (stopTick === null && (rig.bridge.speakerHolding || rig.notices.some((n) => n.type === 'barge_in'))) stopTick = rig.clock.ticks;
  });
  await rig.silence(1500);
  return { onsetTick, stopTick };
}

describe('barge-in on real speech (Silero, Open JTalk, espeak-ng)', () => {
  beforeAll(async () => {
    vad = await SileroVadModel.load();
    sentence = await realSpeech(dir, 'en', 'Wait, wait, I want to talk to a real person about my account.', 'en', 8000);
    hai = await realSpeech(dir, 'hai', 'はい', 'ja', 8000);
    const rig = createBridgeRig({ vad, synthesizer });
    rig.bridge.apply({ type: 'say', text: PROMPT, interruptible: true });
    await rig.bridge.synthesized();
    await rig.silence(15_000);
    baselineAudible = rig.channel.sent.filter(audible).length;
    await rig.bridge.close();
  });

  afterAll(async () => {
    await vad?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops interruptible playback within 200 ms (10 frames) of the caller starting to talk, then drops it (Silero, Open JTalk, espeak-ng)', async () => {
    const recognizer = new FakeRecognizer({
      hypotheses: [
        { atAudioMs: 500, text: 'wait wait', isFinal: false },
        { text: 'wait wait I want to talk to a real person about my account', isFinal: true },
      ],
    });
    const rig = createBridgeRig({ vad, synthesizer, recognizer, lang: 'en' });
    const { onsetTick, stopTick } = await promptThenCaller(rig, true, sentence);
    expect(stopTick).not.toBeNull();
    const framesToStop = (stopTick ?? 0) - onsetTick;
    expect(framesToStop).toBeLessThanOrEqual(10);
    // From the stop on, the caller hears nothing more of the prompt: it was dropped, not paused.
    expect(rig.channel.sent.slice(stopTick ?? 0).some(audible)).toBe(false);
    expect(rig.notices).toContainEqual(expect.objectContaining({ type: 'barge_in', cause: 'caller-words', dropped: 1 }));
    expect(rig.channel.sent.filter(audible).length).toBeLessThan(baselineAudible);
    await rig.bridge.close();
  });

  it('without a recognizer, speech longer than an acknowledgement drops the prompt (Silero, Open JTalk, espeak-ng)', async () => {
    const rig = createBridgeRig({ vad, synthesizer, lang: 'en' });
    const { onsetTick, stopTick } = await promptThenCaller(rig, true, sentence);
    expect((stopTick ?? Number.POSITIVE_INFINITY) - onsetTick).toBeLessThanOrEqual(10);
    expect(rig.notices).toContainEqual(expect.objectContaining({ type: 'barge_in', cause: 'caller-speech', dropped: 1 }));
    expect(rig.channel.sent.slice(stopTick ?? 0).some(audible)).toBe(false);
    await rig.bridge.close();
  });

  it('a caller\'s "はい" pauses the agent for a moment but does not take the turn: the whole prompt is heard (Silero, Open JTalk)', async () => {
    const recognizer = new FakeRecognizer({ hypotheses: [{ text: 'はい', isFinal: true, confidence: 0.95 }] });
    const rig = createBridgeRig({ vad, synthesizer, recognizer });
    await promptThenCaller(rig, true, hai);
    await rig.silence(15_000);
    expect(rig.notices.filter((n) => n.type === 'barge_in')).toEqual([]);
    // Everything is heard; the pause may split one frame in two at the channel's resampler.
    expect(rig.channel.sent.filter(audible).length).toBeGreaterThanOrEqual(baselineAudible);
    expect(rig.channel.sent.filter(audible).length).toBeLessThanOrEqual(baselineAudible + 2);
    expect(rig.events).toContainEqual({ type: 'utterance', text: 'はい', isFinal: true, confidence: 0.95 });
    await rig.bridge.close();
  });

  it('a non-interruptible item (legal notice) plays to the end while the caller talks over it (Silero, Open JTalk, espeak-ng)', async () => {
    const rig = createBridgeRig({ vad, synthesizer });
    const { stopTick } = await promptThenCaller(rig, false, sentence);
    await rig.silence(15_000);
    expect(stopTick).toBeNull();
    expect(rig.channel.sent.filter(audible).length).toBe(baselineAudible);
    await rig.bridge.close();
  });
});

describe('barge-in by keypad (scripted engines)', () => {
  it('a key press drops interruptible playback at once', async () => {
    const rig = createBridgeRig({});
    rig.bridge.apply({ type: 'say', text: PROMPT, interruptible: true });
    await rig.bridge.synthesized();
    await rig.silence(500);
    rig.channel.receiveDtmf('1');
    const at = rig.clock.ticks;
    await rig.silence(1000);
    // One frame may still carry the channel resampler's few-sample filter tail.
    expect(rig.channel.sent.slice(at + 1).some(audible)).toBe(false);
    expect(rig.notices).toContainEqual(expect.objectContaining({ type: 'barge_in', cause: 'keypad', dropped: 1 }));
    await rig.bridge.close();
  });
});

describe('BargeInDetector (frame counting)', () => {
  const frames = (d: BargeInDetector, p: number, n: number, playing = true) =>
    Array.from({ length: n }, () => d.onFrame(p, playing)).filter((x) => x !== null);

  it('holds after 120 ms of speech, resumes after a short burst, interrupts a long one', () => {
    const d = new BargeInDetector();
    expect(frames(d, 0.9, 5)).toEqual([]);
    expect(frames(d, 0.9, 1)).toEqual(['hold']);
    expect(frames(d, 0.9, 8)).toEqual([]);
    expect(frames(d, 0.05, 12)).toEqual(['resume']);
    // Still "playing" here stands for a reply queued while the same caller turn goes on: it is held
    // (not dropped again), then played when the caller stops.
    expect(frames(d, 0.9, 50)).toEqual(['hold', 'interrupt', 'hold']);
    expect(frames(d, 0.9, 20)).toEqual([]);
    expect(frames(d, 0.05, 12)).toEqual(['resume']);
  });

  it('never holds non-interruptible playback', () => {
    const d = new BargeInDetector();
    expect(frames(d, 0.9, 60, false)).toEqual([]);
  });

  it('words interrupt unless they are an acknowledgement', () => {
    const d = new BargeInDetector();
    expect(d.onWords(true, true)).toBeNull();
    expect(d.onWords(false, true)).toBe('interrupt');
    expect(d.onWords(false, false)).toBeNull();
  });
});

describe('isShortAcknowledgement', () => {
  it.each([
    ['はい', 'ja'],
    ['ハイ。', 'ja'],
    ['うん', 'ja'],
    ['ええ', 'ja'],
    ['はい、はい', 'ja'],
    ['うんうん', 'ja'],
    ['yes', 'en'],
    ['mm-hm', 'en'],
    ['Okay.', 'en'],
    ['uh huh', 'en'],
    ['yeah yeah', 'en'],
    ['オッケー', 'ja'],
  ] as const)('%s is an acknowledgement', (text, lang) => {
    expect(isShortAcknowledgement(text, lang)).toBe(true);
  });

  it.each([
    ['いいえ', 'ja'],
    ['ちょっと待ってください', 'ja'],
    ['はい、エムエーティーティーワイです', 'ja'],
    ['no', 'en'],
    ['wait', 'en'],
    ['yes I want a person', 'en'],
    ['', 'en'],
  ] as const)('%s is not', (text, lang) => {
    expect(isShortAcknowledgement(text, lang)).toBe(false);
  });
});
