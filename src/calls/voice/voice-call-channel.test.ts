import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDtmf } from '../../media/dtmf/generator';
import { createScriptedVad } from '../../media/testing/scripted-vad';
import { createBackchannelClips } from '../../speech/synthesis/backchannel-clips';
import { createScriptedSynthesizer } from '../../speech/synthesis/scripted-synthesizer';
import type { CallerInput } from '../../channels/call-channel';
import { CallRecorder } from '../recording/call-recorder';
import { InMemoryAudioChannel } from './testing/in-memory-channel';
import { ManualFrameClock } from './testing/manual-frame-clock';
import { createVoiceCallChannel } from './voice-call-channel';

const dir = mkdtempSync(join(tmpdir(), 'aizuchi-vcc-'));
// No engines needed: what this adapter does does not depend on how speech sounds or is detected.
const synthesizer = createScriptedSynthesizer();
const vad = createScriptedVad();

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function line(consent: 'granted' | 'declined' | 'unknown') {
  const audio = new InMemoryAudioChannel({ sampleRateHz: 8000 });
  const clock = new ManualFrameClock();
  const recorder = await CallRecorder.start({ dataDir: dir, callId: `c-${consent}-${Math.random().toString(36).slice(2)}` });
  const kept: string[] = [];
  const events: Record<string, unknown>[] = [];
  const channel = createVoiceCallChannel({
    audio,
    lang: 'ja',
    media: { synthesizer, backchannels: createBackchannelClips(synthesizer), vad, recognizer: null },
    clock,
    recording: { recorder, consent: async () => consent, markKept: async (path) => void kept.push(path) },
    recordCaseEvent: async (kind, data) => void events.push({ kind, ...data }),
  });
  const inputs: CallerInput[] = [];
  channel.onInput((i) => inputs.push(i));
  return { audio, clock, recorder, channel, inputs, kept, events };
}

describe("voice line as the call session's CallChannel", () => {
  it('turns typed text and keys into caller input, speaks prompts and closes after the goodbye', async () => {
    const l = await line('granted');
    l.audio.receiveText('はい', 'typed', true);
    for (const frame of l.audio.framesOf(generateDtmf('12', { sampleRateHz: 8000 }), 8000)) {
      l.audio.receiveFrame(frame);
      await l.channel.bridge.idle();
    }
    expect(l.inputs).toEqual([
      { type: 'utterance', text: 'はい', isFinal: true },
      { type: 'dtmf', digits: '1' },
      { type: 'dtmf', digits: '2' },
    ]);
    l.channel.agentSays('失礼いたします。', 'prompt');
    l.channel.end('mfa_reset');
    l.channel.close('ended');
    await l.channel.bridge.synthesized();
    l.clock.tick(400);
    expect(l.audio.closedReason).toBe('agent_hangup');
    expect(l.audio.sent.some((f) => f.samples.some((s) => s !== 0))).toBe(true);
    expect(l.audio.controls).toContainEqual({ type: 'outcome', outcome: 'mfa_reset' });
    const result = await l.channel.closed;
    expect(result?.kept).toBe(true);
    expect(l.kept).toEqual([result?.path]);
  });

  it('pauses the recording while the agent listens for the code (from `expecting` alone)', async () => {
    const l = await line('granted');
    l.channel.listening('code');
    expect(l.recorder.state).toBe('paused');
    l.channel.listening('free');
    expect(l.recorder.state).toBe('recording');
    l.audio.hangUp('caller_hangup');
    await l.channel.closed;
    expect(l.inputs).toEqual([{ type: 'hangup' }]);
  });

  it('stops and deletes the recording once the case history says the caller declined', async () => {
    const l = await line('declined');
    l.channel.listening('email');
    l.audio.hangUp('caller_hangup');
    const result = await l.channel.closed;
    expect(result).toMatchObject({ kept: false, path: null });
    expect(existsSync(l.recorder.path)).toBe(false);
    expect(l.kept).toEqual([]);
  });

  it('with the full action stream, follows the agent (non-interruptible, recording actions) and ignores the abridged calls', async () => {
    const l = await line('unknown');
    l.channel.onAgentAction({ type: 'pause_recording' });
    l.channel.listening('free'); // the abridged duplicate must not resume it
    expect(l.recorder.state).toBe('paused');
    l.channel.onAgentAction({ type: 'resume_recording' });
    expect(l.recorder.state).toBe('recording');
    l.audio.hangUp('caller_hangup');
    expect(await l.channel.closed).toMatchObject({ kept: false });
  });
});
