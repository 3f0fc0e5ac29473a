import { createAgent, type AgentEvent } from '../src/agent';
import { STORY_ACCOUNT, STORY_CONTEXT_JA } from '../src/agent/testing/call-harness';
import { createFakePort } from '../src/agent/testing/fake-port';
import { createIntentReader } from '../src/agent/understanding/intents';
import type { SileroVadModel } from '../src/media/vad/silero-vad';
import { createBackchannelClips } from '../src/speech/synthesis/backchannel-clips';
import { createSynthesizer } from '../src/speech/synthesis/engine-registry';
import type { Synthesizer } from '../src/speech/synthesizer';
import { InMemoryAudioChannel } from '../src/calls/voice/testing/in-memory-channel';
import { ManualFrameClock } from '../src/calls/voice/testing/manual-frame-clock';
import { VoiceBridge } from '../src/calls/voice/voice-bridge';

type CallerStep = { kind: 'text'; text: string } | { kind: 'keys'; digits: string };

/** The story call with the code typed on the keypad; a reply is measured after each turn's end. */
const SCRIPT: CallerStep[] = [
  { kind: 'text', text: 'あ、そうです、猪股です。' },
  { kind: 'text', text: '大丈夫です' },
  { kind: 'text', text: 'エム、エー、ティ、ティ、ワイ' },
  { kind: 'text', text: 'アットマーク、ジーメールドットコムです' },
  { kind: 'keys', digits: STORY_ACCOUNT.code },
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One simulated voice call through the real agent, bridge, synthesizer and playout. Time from the end
 * of the caller's turn (final text, or the last key) to the first frame of the agent's reply leaving
 * for the channel. Playback is fast-forwarded between turns (the clock ticks every ~1 ms, so the
 * figure includes at most ~1 ms of tick wait instead of a real clock's 0-20 ms).
 */
async function oneCall(synthesizer: Synthesizer, vad: SileroVadModel, intents: ReturnType<typeof createIntentReader>): Promise<number[]> {
  const channel = new InMemoryAudioChannel({ sampleRateHz: 8000 });
  channel.keepSentFrames = false;
  const clock = new ManualFrameClock();
  const port = createFakePort({ account: { ...STORY_ACCOUNT } });
  let agentEvents: Promise<unknown> = Promise.resolve();
  const bridge = new VoiceBridge({
    channel,
    lang: 'ja',
    media: { synthesizer, backchannels: createBackchannelClips(synthesizer), vad, recognizer: null },
    clock,
    // Playback is fast-forwarded here, so "no agent audio for 10 s of ticks" would come too soon.
    tuning: { hangupDrainMaxMs: 3_600_000 },
    onEvent: (event: AgentEvent) => {
      agentEvents = agent.handle(event);
    },
  });
  const agent = createAgent({
    context: { ...STORY_CONTEXT_JA },
    port,
    timers: { now: () => Date.now(), setTimer: () => null, clearTimer: () => undefined },
    tuning: { noInputMs: 0 },
    intents,
    onAction: (action) => bridge.apply(action),
  });
  bridge.start();
  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      clock.tick();
      await sleep(1);
    }
  })();
  const waitQuiet = async () => {
    await agentEvents;
    while (bridge.speaking) await sleep(2);
  };
  const latencies: number[] = [];
  await agent.handle({ type: 'start' });
  await waitQuiet();
  for (const step of SCRIPT) {
    const captionsBefore = channel.captions.filter((c) => c.speaker === 'agent').length;
    let t0 = 0;
    if (step.kind === 'text') {
      t0 = performance.now();
      channel.receiveText(step.text, 'typed', true);
    } else {
      for (const digit of step.digits) {
        t0 = performance.now();
        channel.receiveDtmf(digit);
      }
    }
    for (;;) {
      if (channel.captions.filter((c) => c.speaker === 'agent').length > captionsBefore) break;
      if (channel.closedReason !== null) throw new Error(`call closed (${channel.closedReason}) before the agent replied`);
      await sleep(1);
    }
    latencies.push(performance.now() - t0);
    await waitQuiet();
  }
  ticking = false;
  await ticker;
  await bridge.close('bench');
  return latencies;
}

export async function benchResponseLatency(vad: SileroVadModel, calls: number): Promise<{ cached: number[]; uncached: number[] }> {
  const intents = createIntentReader('ja');
  const uncached: number[] = [];
  for (let i = 0; i < calls; i++) uncached.push(...(await oneCall(createSynthesizer({ cache: false }), vad, intents)));
  const shared = createSynthesizer();
  await oneCall(shared, vad, intents); // fills the per-sentence cache, as fixed prompts are in service
  const cached: number[] = [];
  for (let i = 0; i < calls; i++) cached.push(...(await oneCall(shared, vad, intents)));
  return { cached, uncached };
}
