import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AgentAction, AgentTuning } from '../../agent';
import { STORY_ACCOUNT, STORY_CONTEXT_JA } from '../../agent/testing/call-harness';
import { createFakeClock } from '../../agent/testing/fake-clock';
import { createFakePort } from '../../agent/testing/fake-port';
import { sine } from '../../media/testing/signals';
import { createScriptedVad } from '../../media/testing/scripted-vad';
import { createLogger } from '../../observability/logger';
import { FakeRecognizer, type ScriptedHypothesis } from '../../speech/fake/fake-recognizer';
import { createBackchannelClips } from '../../speech/synthesis/backchannel-clips';
import { createScriptedSynthesizer } from '../../speech/synthesis/scripted-synthesizer';
import { startCallSession } from '../call-session';
import { InMemoryAudioChannel } from './testing/in-memory-channel';
import { ManualFrameClock } from './testing/manual-frame-clock';
import { createVoiceCallChannel } from './voice-call-channel';

// A whole voice call: recognizer → voice bridge → CallChannel → call session → agent. What the engine
// gives (interim results, confidence) must reach the agent as it does on the text channel (issue 9).

const NOT_UNDERSTOOD = '恐れ入ります、聞き取れませんでした。';
const ARE_YOU_THERE = 'もしもし、お聞こえでしょうか。';
const tone = sine(440, 8000, 8000, 8000); // 1 s the scripted VAD hears as speech

function voiceCall(hypotheses: readonly ScriptedHypothesis[], tuning?: Partial<AgentTuning>) {
  const audio = new InMemoryAudioChannel({ sampleRateHz: 8000 });
  const frames = new ManualFrameClock();
  const synthesizer = createScriptedSynthesizer();
  const recognizer = new FakeRecognizer({ hypotheses });
  const voice = createVoiceCallChannel({
    audio,
    lang: 'ja',
    media: { synthesizer, backchannels: createBackchannelClips(synthesizer), vad: createScriptedVad(), recognizer },
    clock: frames,
  });
  const actions: AgentAction[] = [];
  const timers = createFakeClock();
  const session = startCallSession({
    callId: 'call-voice',
    channel: { ...voice, onAgentAction: (action) => (actions.push(action), voice.onAgentAction(action)) },
    context: STORY_CONTEXT_JA,
    port: createFakePort({ account: { ...STORY_ACCOUNT } }),
    timers,
    ...(tuning ? { tuning } : {}),
    logger: createLogger('error', new Writable({ write: (_c, _e, done) => done() })),
    appendTranscript: async () => undefined,
    finish: async () => undefined,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  const play = async (samples: Int16Array, eachFrame?: (index: number) => void): Promise<void> => {
    const list = audio.framesOf(samples, 8000);
    for (let i = 0; i < list.length; i++) {
      audio.receiveFrame(list[i]!);
      await voice.bridge.idle();
      frames.tick();
      eachFrame?.(i);
    }
    await settle();
  };
  const said = () => actions.flatMap((a) => (a.type === 'say' ? [a.text] : []));
  return { voice, session, recognizer, timers, play, settle, said, silence: (ms: number) => play(new Int16Array((ms / 1000) * 8000)) };
}

describe('voice call: recognizer results reach the agent unchanged', () => {
  it('a low-confidence final after an interim is asked again, as on the text channel', async () => {
    const call = voiceCall([
      { atAudioMs: 200, text: 'は', isFinal: false },
      { text: 'はい', isFinal: true, confidence: 0.2 },
    ]);
    await call.settle();
    const before = call.said().length;
    await call.play(tone);
    await call.silence(1000);
    expect(call.recognizer.sessions).toHaveLength(1);
    expect(call.said().slice(before)[0]).toBe(NOT_UNDERSTOOD);
    call.session.detach();
  });

  it('the same final with a high confidence is taken as the answer', async () => {
    const call = voiceCall([{ text: 'はい', isFinal: true, confidence: 0.95 }]);
    await call.settle();
    const before = call.said().length;
    await call.play(tone);
    await call.silence(1000);
    expect(call.said().slice(before)).not.toContain(NOT_UNDERSTOOD);
    expect(call.said().length).toBeGreaterThan(before);
    call.session.detach();
  });

  it('an interim result while the caller talks holds the no-input timer', async () => {
    // The final only comes when the caller stops: until then only interim results show they talk.
    // Prompts count as spoken at once, so the no-input clock runs 7 s from the greeting.
    const instant = { charsPerSecond: { ja: 1e9, en: 1e9 } };
    const call = voiceCall(
      [
        { atAudioMs: 200, text: 'えっと', isFinal: false },
        { text: 'はい', isFinal: true, confidence: 0.95 },
      ],
      instant,
    );
    await call.settle();
    call.timers.advance(6000); // 1 s before the agent would ask whether anyone is there
    await call.play(tone, (i) => {
      if (i === 20) call.timers.advance(3000); // the caller is still talking past that moment
    });
    expect(call.said()).not.toContain(ARE_YOU_THERE);
    call.session.detach();
  });
});
