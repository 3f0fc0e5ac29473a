import { describe, expect, it } from 'vitest';
import { createScriptedSynthesizer } from '../../speech/synthesis/scripted-synthesizer';
import { audible, createBridgeRig, type BridgeRig } from './testing/voice-test-kit';

/**
 * The voice bridge's `listening` control: sent to the caller's side once the agent's words before a listen
 * step have ended, as the text channel sends it after the last line. Pages (the browser softphone) use it to
 * know it is the caller's turn: a pause while the next sentence is still being synthesized is not.
 */

/** Each `listening` control with the number of agent frames sent before it. */
function listeningControls(rig: BridgeRig): { expecting: unknown; afterFrames: number }[] {
  const seen: { expecting: unknown; afterFrames: number }[] = [];
  const send = rig.channel.sendControl.bind(rig.channel);
  rig.channel.sendControl = (message) => {
    if (message.type === 'listening') seen.push({ expecting: message.expecting, afterFrames: rig.channel.sent.length });
    send(message);
  };
  return seen;
}

const lastAudible = (rig: BridgeRig) => rig.channel.sent.map(audible).lastIndexOf(true);
// The softphone's rate: no resampler between the agent's words and the channel (at 8 kHz its filter's tail of
// the last words, a few samples, goes out in the frame after the control).
const SOFTPHONE = { channelRateHz: 16_000 };

describe('voice bridge: the listening control', () => {
  it('follows the last frame of the words before a listen step, once', async () => {
    const rig = createBridgeRig(SOFTPHONE);
    const controls = listeningControls(rig);
    rig.bridge.apply({ type: 'say', text: 'メールアドレスをお願いします。', interruptible: true });
    rig.bridge.apply({ type: 'listen', expecting: 'email' });
    await rig.bridge.synthesized();
    await rig.silence(300);
    expect(controls).toEqual([]); // still speaking
    await rig.silence(3000);
    expect(controls).toEqual([{ expecting: 'email', afterFrames: lastAudible(rig) + 1 }]);
    await rig.bridge.close();
  });

  it('is not sent while the next sentence is still being synthesized (a pause mid-prompt)', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Holds the engine after 20 frames, as a loaded machine does between two sentences of a long greeting.
    const synthesizer = createScriptedSynthesizer({ beforeFrame: (_text, i) => (i === 20 ? held : undefined) });
    const rig = createBridgeRig({ ...SOFTPHONE, synthesizer });
    const controls = listeningControls(rig);
    rig.bridge.apply({ type: 'say', text: 'お電話ありがとうございます。こちらは佐藤です。', interruptible: true });
    rig.bridge.apply({ type: 'listen', expecting: 'confirmation' });
    await rig.silence(2500);
    const beforeRelease = rig.channel.sent.length;
    // The caller has heard 20 frames and then 2 s of nothing: quiet, but not the caller's turn.
    expect(rig.channel.sent.filter(audible)).toHaveLength(20);
    expect(controls).toEqual([]);
    release();
    await rig.bridge.synthesized();
    await rig.silence(4000);
    expect(lastAudible(rig)).toBeGreaterThan(beforeRelease);
    expect(controls).toEqual([{ expecting: 'confirmation', afterFrames: lastAudible(rig) + 1 }]);
    await rig.bridge.close();
  });

  it('words with no listen step after them are not the caller’s turn; the next words and listen step are', async () => {
    const rig = createBridgeRig(SOFTPHONE);
    const controls = listeningControls(rig);
    rig.bridge.apply({ type: 'say', text: '続きをお願いします。', interruptible: true });
    rig.bridge.apply({ type: 'listen', expecting: 'email' });
    await rig.bridge.synthesized();
    await rig.silence(2000);
    expect(controls.map((c) => c.expecting)).toEqual(['email']);
    // '確認できました' and then the code mail is sent: the agent is not listening between the two lines.
    rig.bridge.apply({ type: 'say', text: '確認できました。', interruptible: true });
    await rig.bridge.synthesized();
    await rig.silence(2000);
    expect(controls).toHaveLength(1);
    rig.bridge.apply({ type: 'say', text: '8桁の番号をお願いします。', interruptible: true });
    rig.bridge.apply({ type: 'listen', expecting: 'code' });
    await rig.bridge.synthesized();
    await rig.silence(3000);
    expect(controls.map((c) => c.expecting)).toEqual(['email', 'code']);
    expect(controls[1]?.afterFrames).toBe(lastAudible(rig) + 1);
    await rig.bridge.close();
  });

  it('is sent when the caller cuts the words off (a key pressed over them), and at once when nothing is said', async () => {
    const rig = createBridgeRig(SOFTPHONE);
    const controls = listeningControls(rig);
    rig.bridge.apply({ type: 'say', text: 'メールに記載の8桁の番号を、お電話のキーパッドで入力してください。', interruptible: true });
    rig.bridge.apply({ type: 'listen', expecting: 'code' });
    await rig.bridge.synthesized();
    await rig.silence(500);
    rig.channel.receiveDtmf('1');
    await rig.silence(200);
    expect(controls.map((c) => c.expecting)).toEqual(['code']);
    expect(rig.channel.sent.slice(controls[0]?.afterFrames).filter(audible)).toEqual([]);
    // A listen step with nothing to say first (the caller's words were not understood, the step goes on).
    rig.bridge.apply({ type: 'listen', expecting: 'code' });
    await rig.silence(40);
    expect(controls.map((c) => c.expecting)).toEqual(['code', 'code']);
    await rig.bridge.close();
  });

  it('is not sent after goodbye words: the agent hangs up instead of listening', async () => {
    const rig = createBridgeRig(SOFTPHONE);
    const controls = listeningControls(rig);
    rig.bridge.apply({ type: 'listen', expecting: 'free' });
    rig.bridge.apply({ type: 'say', text: '失礼いたします。', interruptible: false });
    rig.bridge.apply({ type: 'hangup' });
    await rig.bridge.synthesized();
    await rig.silence(3000);
    expect(rig.channel.closedReason).toBe('agent_hangup');
    expect(controls).toEqual([]);
  });
});
