import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDtmf } from '../../media/dtmf/generator';
import { sine } from '../../media/testing/signals';
import { SileroVadModel } from '../../media/vad/silero-vad';
import { FakeRecognizer } from '../../speech/fake/fake-recognizer';
import { RecognizerError } from '../../speech/recognizer';
import { KEYPAD_FALLBACK_PROMPT } from './keypad-fallback';
import { audible, createBridgeRig, realSpeech } from './testing/voice-test-kit';
import { concatSamples } from '../../media/frame';

// By default the rig runs on the scripted synthesizer and VAD; the caller's "speech" is a tone the
// scripted VAD hears as voice. Tests that need Silero or a real voice load them and say so.
const utterance = sine(440, 8000, 8000, 2.5 * 8000);

describe('voice bridge: agent speech out', () => {
  it('speaks a say action as 20 ms frames at the channel rate, with an agent caption', async () => {
    const rig = createBridgeRig({});
    rig.bridge.apply({ type: 'say', text: 'こんにちは。', interruptible: true });
    await rig.bridge.synthesized();
    await rig.silence(2000);
    const sent = rig.channel.sent;
    expect(sent).toHaveLength(100);
    expect(sent.every((f) => f.sampleRateHz === 8000 && f.samples.length === 160)).toBe(true);
    const loud = sent.filter(audible).length;
    expect(loud).toBeGreaterThan(20); // about half a second of voice
    expect(audible(sent[0])).toBe(true); // audio leaves on the first tick once synthesized
    expect(rig.channel.captions).toContainEqual({ speaker: 'agent', text: 'こんにちは。', final: true });
    await rig.bridge.close();
  });

  it('reports prompt_played once, on the tick the last of the words reached the caller', async () => {
    const rig = createBridgeRig({});
    rig.bridge.apply({ type: 'say', text: 'こんにちは。', interruptible: true });
    await rig.bridge.synthesized();
    let playedAt = -1;
    await rig.play(
      Array.from({ length: 100 }, () => rig.channel.silenceFrame()),
      (i) => {
        if (playedAt < 0 && rig.events.some((e) => e.type === 'prompt_played')) playedAt = i;
      },
    );
    expect(rig.events.filter((e) => e.type === 'prompt_played')).toHaveLength(1);
    const lastLoud = rig.channel.sent.map(audible).lastIndexOf(true);
    // Not when the words were sent (tick 0), but when their audio ended.
    expect(playedAt).toBeGreaterThanOrEqual(lastLoud - 1);
    expect(playedAt).toBeLessThanOrEqual(lastLoud + 5);
    await rig.bridge.close();
  });

  it('a lone # after an entry does not cut off the answer to it: the wrong-code line is said and captioned', async () => {
    const rig = createBridgeRig({});
    rig.bridge.apply({ type: 'say', text: 'その番号では確認できませんでした。', interruptible: true });
    rig.channel.receiveDtmf('#');
    await rig.bridge.synthesized();
    await rig.silence(3000);
    expect(rig.channel.sent.filter(audible).length).toBeGreaterThan(40);
    expect(rig.channel.captions).toContainEqual({ speaker: 'agent', text: 'その番号では確認できませんでした。', final: true });
    // A digit still barges in.
    rig.bridge.apply({ type: 'say', text: 'もう一度、8桁の番号をお願いします。', interruptible: true });
    rig.channel.receiveDtmf('1');
    await rig.bridge.synthesized();
    const before = rig.channel.sent.length;
    await rig.silence(3000);
    expect(rig.channel.sent.slice(before).filter(audible).length).toBe(0);
    await rig.bridge.close();
  });

  it('typing in the text box while the agent speaks is barge-in, and tells the agent the caller is busy', async () => {
    const rig = createBridgeRig({});
    rig.bridge.apply({
      type: 'say',
      text: 'ご登録のメールアドレスを、アルファベット一文字ずつ、おっしゃっていただけますか。',
      interruptible: true,
    });
    await rig.bridge.synthesized();
    await rig.silence(300);
    expect(rig.channel.sent.filter(audible).length).toBeGreaterThan(5);
    rig.channel.receiveText('', 'typed', false);
    const before = rig.channel.sent.length;
    await rig.silence(3000);
    expect(rig.channel.sent.slice(before + 5).filter(audible).length).toBe(0);
    expect(rig.events).toContainEqual({ type: 'utterance', text: '', isFinal: false });
    await rig.bridge.close();
  });

  it('plays the short aizuchi clip for a backchannel action', async () => {
    const rig = createBridgeRig({});
    rig.bridge.apply({ type: 'backchannel', text: 'はい' });
    await rig.bridge.synthesized();
    await rig.silence(1000);
    const loud = rig.channel.sent.filter(audible).length;
    expect(loud).toBeGreaterThan(5);
    expect(loud).toBeLessThan(30); // a clip, not a sentence
    await rig.bridge.close();
  });

  it('closes the channel after the goodbye has played when the agent hangs up', async () => {
    const rig = createBridgeRig({});
    rig.bridge.apply({ type: 'say', text: '失礼いたします。', interruptible: false });
    rig.bridge.apply({ type: 'hangup' });
    await rig.bridge.synthesized();
    let closedAt = -1;
    await rig.play(
      Array.from({ length: 200 }, () => rig.channel.silenceFrame()),
      (i) => {
        if (closedAt < 0 && rig.channel.closedReason) closedAt = i;
      },
    );
    expect(rig.channel.closedReason).toBe('agent_hangup');
    const loud = rig.channel.sent.filter(audible).length;
    expect(closedAt).toBeGreaterThanOrEqual(loud - 1);
    expect(rig.events).not.toContainEqual({ type: 'hangup' });
  });
});

describe('voice bridge: caller audio in', () => {
  it('turns speech into utterance events through VAD turns and the recognizer', async () => {
    const recognizer = new FakeRecognizer({
      hypotheses: [
        { atAudioMs: 600, text: 'hello I would', isFinal: false },
        { text: 'hello I would like to reset my authenticator please', isFinal: true, confidence: 0.9 },
      ],
    });
    const rig = createBridgeRig({ recognizer, lang: 'en' });
    await rig.silence(500);
    await rig.play(rig.channel.framesOf(utterance, 8000));
    await rig.silence(1200);
    expect(recognizer.sessions).toHaveLength(1);
    expect(recognizer.sessions[0]?.ended).toBe(true);
    expect(recognizer.sessions[0]?.opts.sampleRateHz).toBe(16000);
    // Pre-roll: the stream got the whole utterance, not just what followed the VAD decision.
    expect(recognizer.sessions[0]?.audioMs).toBeGreaterThanOrEqual((utterance.length / 8000) * 1000);
    expect(rig.events).toEqual([
      { type: 'utterance', text: 'hello I would', isFinal: false },
      { type: 'utterance', text: 'hello I would like to reset my authenticator please', isFinal: true, confidence: 0.9 },
    ]);
    expect(rig.channel.captions.filter((c) => c.speaker === 'caller').map((c) => c.final)).toEqual([false, true]);
    await rig.bridge.close();
  });

  it('hears in-band DTMF in the audio as dtmf events (and the tones never open a recognizer turn)', async () => {
    const recognizer = new FakeRecognizer({ hypotheses: [] });
    const rig = createBridgeRig({ recognizer });
    const tones = generateDtmf('1267#', { sampleRateHz: 8000, durationMs: 120, gapMs: 120 });
    await rig.play(rig.channel.framesOf(concatSamples([new Int16Array(4000), tones, new Int16Array(4000)]), 8000));
    expect(rig.events).toEqual(['1', '2', '6', '7', '#'].map((digits) => ({ type: 'dtmf', digits })));
    expect(recognizer.sessions).toHaveLength(0);
    await rig.bridge.close();
  });

  it('does not run the tone detector on a channel whose keys come only out of band', async () => {
    const rig = createBridgeRig({ inBandDtmf: false });
    const tones = generateDtmf('1267#', { sampleRateHz: 8000, durationMs: 120, gapMs: 120 });
    await rig.play(rig.channel.framesOf(concatSamples([new Int16Array(4000), tones, new Int16Array(4000)]), 8000));
    rig.channel.receiveDtmf('3');
    expect(rig.events).toEqual([{ type: 'dtmf', digits: '3' }]);
    await rig.bridge.close();
  });

  it('passes out-of-band keys and typed text through, and ignores in-band copies once keys come out of band', async () => {
    const rig = createBridgeRig({});
    rig.channel.receiveDtmf('5');
    await rig.play(rig.channel.framesOf(generateDtmf('9', { sampleRateHz: 8000 }), 8000));
    rig.channel.receiveText('matty at gmail dot com', 'typed', true);
    expect(rig.events).toEqual([
      { type: 'dtmf', digits: '5' },
      { type: 'utterance', text: 'matty at gmail dot com', isFinal: true },
    ]);
    await rig.bridge.close();
  });

  it('tells the agent when the caller hangs up, once', async () => {
    const rig = createBridgeRig({});
    rig.channel.hangUp();
    await rig.bridge.close();
    expect(rig.events).toEqual([{ type: 'hangup' }]);
    expect(rig.clock.subscriberCount).toBe(0);
  });
});

describe('voice bridge: recognizer failure', () => {
  const quick = { recognizerRetryDelaysMs: [5, 5] };

  it('retries a retryable error, then falls back to the keypad once retries are spent: says so once, reports why, switches the agent', async () => {
    const recognizer = new FakeRecognizer({
      hypotheses: [],
      failure: { error: new RecognizerError('unavailable', 'engine down'), atAudioMs: 400 },
    });
    const rig = createBridgeRig({ recognizer, lang: 'en', tuning: quick });
    await rig.play(rig.channel.framesOf(utterance, 8000));
    await rig.bridge.synthesized();
    // Two retries (each a new stream replaying the turn), then the fallback.
    expect(rig.notices.filter((n) => n.type === 'recognizer_retry').map((n) => n.type === 'recognizer_retry' && n.attempt)).toEqual([1, 2]);
    expect(rig.notices.filter((n) => n.type === 'recognizer_failed')).toEqual([
      { type: 'recognizer_failed', code: 'unavailable', retryable: true },
    ]);
    expect(recognizer.sessions).toHaveLength(3);
    expect(rig.keypadOnly.value).toBe(true);
    await rig.silence(200);
    expect(rig.channel.captions.filter((c) => c.text === KEYPAD_FALLBACK_PROMPT.en)).toHaveLength(1);
    // Later speech opens no further recognizer streams; keys still work.
    await rig.play(rig.channel.framesOf(utterance, 8000));
    expect(recognizer.sessions).toHaveLength(3);
    rig.channel.receiveDtmf('1');
    expect(rig.events).toContainEqual({ type: 'dtmf', digits: '1' });
    await rig.bridge.close();
  });

  it('does not retry an error that is not retryable (a refused request): the keypad at once', async () => {
    const recognizer = new FakeRecognizer({
      hypotheses: [],
      failure: { error: new RecognizerError('bad-request', 'HTTP 400'), atAudioMs: 400 },
    });
    const rig = createBridgeRig({ recognizer, lang: 'en', tuning: quick });
    await rig.play(rig.channel.framesOf(utterance, 8000));
    expect(recognizer.sessions).toHaveLength(1);
    expect(rig.notices.some((n) => n.type === 'recognizer_retry')).toBe(false);
    expect(rig.notices).toContainEqual({ type: 'recognizer_failed', code: 'bad-request', retryable: false });
    expect(rig.keypadOnly.value).toBe(true);
    await rig.bridge.close();
  });

  it('a failure that a retry cures loses neither the turn nor recognition for the rest of the call', async () => {
    // The first stream fails mid-turn; the next ones work. The turn's audio is replayed to the new stream.
    const recognizer = new FakeRecognizer((call) =>
      call === 0
        ? { hypotheses: [], failure: { error: new RecognizerError('network', 'socket dropped'), atAudioMs: 400 } }
        : { hypotheses: [{ text: `turn ${call}`, isFinal: true, confidence: 0.9 }] },
    );
    const rig = createBridgeRig({ recognizer, lang: 'en', tuning: quick });
    await rig.play(rig.channel.framesOf(utterance, 8000));
    await rig.silence(1200);
    await rig.play(rig.channel.framesOf(utterance, 8000));
    await rig.silence(1200);
    const finals = rig.events.flatMap((e) => (e.type === 'utterance' && e.isFinal ? [e.text] : []));
    expect(finals).toEqual(['turn 1', 'turn 2']);
    // The replacement stream heard the whole first turn, not just what followed the failure.
    expect(recognizer.sessions[1]?.audioMs).toBeGreaterThanOrEqual((utterance.length / 8000) * 1000);
    expect(rig.keypadOnly.value).toBe(false);
    expect(rig.bridge.recognition).toMatchObject({ retries: 1, turns: 2, streamsOpened: 3 });
    await rig.bridge.close();
  });
});

describe('voice bridge on real speech (Silero, espeak-ng)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aizuchi-voice-'));
  let vad: SileroVadModel;
  let english: Int16Array;

  beforeAll(async () => {
    vad = await SileroVadModel.load();
    english = await realSpeech(dir, 'en', 'Hello, I would like to reset my authenticator, please.', 'en', 8000);
  });

  afterAll(async () => {
    await vad?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns real speech into utterance events through VAD turns and the recognizer (Silero, espeak-ng)', async () => {
    const recognizer = new FakeRecognizer({
      hypotheses: [
        { atAudioMs: 600, text: 'hello I would', isFinal: false },
        { text: 'hello I would like to reset my authenticator please', isFinal: true, confidence: 0.9 },
      ],
    });
    const rig = createBridgeRig({ vad, recognizer, lang: 'en' });
    await rig.silence(500);
    await rig.play(rig.channel.framesOf(english, 8000));
    await rig.silence(1200);
    expect(recognizer.sessions).toHaveLength(1);
    expect(recognizer.sessions[0]?.ended).toBe(true);
    expect(recognizer.sessions[0]?.opts.sampleRateHz).toBe(16000);
    // Pre-roll: the stream got the whole utterance, not just what followed the VAD decision.
    expect(recognizer.sessions[0]?.audioMs).toBeGreaterThanOrEqual((english.length / 8000) * 1000);
    expect(rig.events).toEqual([
      { type: 'utterance', text: 'hello I would', isFinal: false },
      { type: 'utterance', text: 'hello I would like to reset my authenticator please', isFinal: true, confidence: 0.9 },
    ]);
    expect(rig.channel.captions.filter((c) => c.speaker === 'caller').map((c) => c.final)).toEqual([false, true]);
    await rig.bridge.close();
  });
});
