import { describe, expect, it } from 'vitest';
import { ScriptedCallChannel } from '../../channels/testing/scripted-call-channel';
import { createScriptedVad } from '../../media/testing/scripted-vad';
import { createLogger } from '../../observability/logger';
import { createBackchannelClips } from '../../speech/synthesis/backchannel-clips';
import { createScriptedSynthesizer } from '../../speech/synthesis/scripted-synthesizer';
import { openInMemoryStream } from '../../telephony/media-stream/testing/in-memory-stream';
import { twilioWire } from '../../telephony/media-stream/testing/twilio-wire';
import { createFakeClock } from '../../agent/testing/fake-clock';
import { createFakePort } from '../../agent/testing/fake-port';
import { STORY_ACCOUNT, STORY_CONTEXT_JA } from '../../agent/testing/call-harness';
import { promptCutLine, startCallSession } from '../call-session';
import type { PromptCut } from './heard-position';
import { ManualFrameClock } from './testing/manual-frame-clock';
import { createBridgeRig } from './testing/voice-test-kit';
import { VoiceBridge, type VoiceNotice } from './voice-bridge';

// 50 characters at the scripted synthesizer's 80 ms each: a 4 s prompt.
const PROMPT = 'ご本人確認のため、これからいくつか質問をさせていただきます。登録のメールアドレスを一文字ずつお話しください。';

function cutOf(notices: VoiceNotice[]): PromptCut | undefined {
  const notice = notices.find((n) => n.type === 'barge_in');
  return notice?.type === 'barge_in' ? notice.cut : undefined;
}

describe('what the caller heard of a prompt cut by barge-in', () => {
  it('over a Twilio media stream: heard up to the last mark echoed before the clear, whatever was sent after it', async () => {
    const { channel, carrier } = await openInMemoryStream(twilioWire());
    if (!channel) throw new Error('stream refused');
    const synthesizer = createScriptedSynthesizer();
    const clock = new ManualFrameClock();
    const notices: VoiceNotice[] = [];
    const bridge = new VoiceBridge({
      channel,
      lang: 'ja',
      media: { synthesizer, backchannels: createBackchannelClips(synthesizer), vad: createScriptedVad(), recognizer: null },
      clock,
      onEvent: () => undefined,
      onNotice: (n) => notices.push(n),
    });
    bridge.start();
    bridge.apply({ type: 'say', text: PROMPT, interruptible: true });
    await bridge.synthesized();
    clock.tick(100); // 2 s of the prompt sent to Twilio
    // A mark every 100 ms of prompt audio; Twilio has played the first 600 ms (6 marks) when the caller keys.
    expect(carrier.pendingMarks).toHaveLength(20);
    carrier.playMarks(carrier.pendingMarks[5]);
    carrier.sendDtmf('1');
    await bridge.idle();

    // The clear went out, and Twilio's echoes of the 14 discarded marks were not taken as playback.
    expect(carrier.outbound.filter((m) => m.type === 'clear')).toHaveLength(1);
    expect(channel.stats().marksIgnored).toBe(14);
    const cut = cutOf(notices);
    expect(cut).toMatchObject({ text: PROMPT, heardMs: 600 });
    expect(cut?.lengthMs).toBe(PROMPT.length * 80);
    // 600 ms of a 4.16 s prompt: the first 15% of its characters.
    expect(cut?.heardText).toBe(PROMPT.slice(0, Math.round(PROMPT.length * (600 / (PROMPT.length * 80)))));
    await bridge.close();
  });

  it('on a channel without marks (the softphone plays what it gets): every frame sent counts as heard', async () => {
    const rig = createBridgeRig({ lang: 'en' });
    const text = 'We will now ask you a few questions to confirm that you are the account holder.';
    rig.bridge.apply({ type: 'say', text, interruptible: true });
    await rig.bridge.synthesized();
    await rig.silence(1000);
    rig.channel.receiveDtmf('1');
    await rig.bridge.idle();
    const cut = cutOf(rig.notices);
    expect(cut?.heardMs).toBe(1000);
    // Whole words only in English.
    expect(text.startsWith(cut?.heardText ?? '?')).toBe(true);
    expect(text[cut?.heardText.length ?? 0]).toBe(' ');
    await rig.bridge.close();
  });

  it('is written to the transcript after the prompt, marked as cut', async () => {
    const transcript: Array<[string, string]> = [];
    const line = new ScriptedCallChannel();
    const listeners: Array<(cut: { text: string; heardText: string; heardMs: number }) => void> = [];
    Object.assign(line, { onPromptCut: (l: (typeof listeners)[number]) => listeners.push(l) });
    startCallSession({
      callId: 'call-1',
      channel: line,
      context: STORY_CONTEXT_JA,
      port: createFakePort({ account: { ...STORY_ACCOUNT } }),
      timers: createFakeClock(),
      logger: createLogger('silent'),
      appendTranscript: async (speaker, text) => void transcript.push([speaker, text]),
      finish: async () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const greeting = transcript.find(([speaker]) => speaker === 'agent')?.[1] ?? '';
    listeners.forEach((l) => l({ text: greeting, heardText: greeting.slice(0, 5), heardMs: 400 }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(transcript.at(-1)).toEqual(['agent', promptCutLine(greeting.slice(0, 5))]);
    expect(transcript.at(-1)?.[1]).toContain('cut');
  });
});
