import { callChannelConformance } from '../../channels/call-channel.conformance';
import { createScriptedVad } from '../../media/testing/scripted-vad';
import { createBackchannelClips } from '../../speech/synthesis/backchannel-clips';
import { createScriptedSynthesizer } from '../../speech/synthesis/scripted-synthesizer';
import { InMemoryAudioChannel } from './testing/in-memory-channel';
import { ManualFrameClock } from './testing/manual-frame-clock';
import { createVoiceCallChannel } from './voice-call-channel';

callChannelConformance('voice line (scripted synthesizer and VAD, no recognizer)', () => {
  const audio = new InMemoryAudioChannel({ sampleRateHz: 8000 });
  const clock = new ManualFrameClock();
  const synthesizer = createScriptedSynthesizer({ msPerChar: 20 });
  const channel = createVoiceCallChannel({
    audio,
    lang: 'ja',
    media: { synthesizer, backchannels: createBackchannelClips(synthesizer), vad: createScriptedVad(), recognizer: null },
    clock,
  });
  return {
    channel,
    remote: {
      say: (text) => audio.receiveText(text, 'typed', true),
      dtmf: (digits) => audio.receiveDtmf(digits),
      hangUp: () => audio.hangUp('caller_hangup'),
      dropLine: () => audio.hangUp('disconnected'),
      // Synthesis finishes, then the playout clock runs long enough for any prompt and the goodbye.
      async settle() {
        await channel.bridge.idle();
        await channel.bridge.synthesized();
        for (let i = 0; i < 300 && audio.closedReason === null; i++) clock.tick();
        await channel.bridge.idle();
        await new Promise((r) => setTimeout(r, 0));
      },
      agentLines: () => audio.captions.filter((c) => c.speaker === 'agent').map((c) => c.text),
      outcomeShown: () => (audio.controls.find((m) => m.type === 'outcome')?.outcome as string | undefined) ?? null,
      lineClosed: () => audio.closedReason !== null,
    },
    teardown: async () => {
      audio.close('test_over');
      await channel.closed.catch(() => null);
    },
  };
});
