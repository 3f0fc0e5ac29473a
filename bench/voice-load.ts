import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CallRecorder } from '../src/calls/recording/call-recorder';
import { createIntervalFrameClock } from '../src/calls/voice/frame-clock';
import { InMemoryAudioChannel } from '../src/calls/voice/testing/in-memory-channel';
import { VoiceBridge } from '../src/calls/voice/voice-bridge';
import { generateDtmf } from '../src/media/dtmf/generator';
import { concatSamples } from '../src/media/frame';
import type { VoiceMedia } from '../src/calls/voice/voice-bridge';
import { createBackchannelClips } from '../src/speech/synthesis/backchannel-clips';
import type { Synthesizer } from '../src/speech/synthesizer';
import { percentile, round } from './stats';

export interface LoadResult {
  calls: number;
  p99LatenessMs: number;
  /** Outbound ticks the clock skipped plus inbound frames still unprocessed after 100 ms. */
  lostFrames: number;
  maxBacklogFrames: number;
  rssMB: number;
  /** CPU time of the whole process (every thread) per second of call, over the measured seconds. */
  cpuMsPerCallSecond: number;
  /** 1-minute load average when the level ended: the machine's other work shows here. */
  loadAverage: number;
  passed: boolean;
}

const PROMPT = 'ご本人確認のため、登録されているメールアドレスを、一文字ずつお話しください。';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `calls` simultaneous calls for `seconds`: every call gets one caller frame per 20 ms (speech, a
 * pause, keypad tones, looped, each call at its own offset) through resampling, DTMF, Silero VAD
 * and the endpointer, sends one agent frame per 20 ms (a cached prompt every few seconds) and writes
 * its stereo recording to disk. One shared clock drives both directions, as in the server.
 */
export async function runLoad(opts: {
  calls: number;
  seconds: number;
  vad: VoiceMedia['vad'];
  /** Media worker threads, as the server runs calls; absent: all media work on the main thread. */
  shards?: VoiceMedia['shards'];
  synth: Synthesizer;
  caller8k: Int16Array;
}): Promise<LoadResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aizuchi-bench-'));
  const clock = createIntervalFrameClock();
  const backchannels = createBackchannelClips(opts.synth);
  const signal = concatSamples([opts.caller8k, new Int16Array(8000), generateDtmf('1267', { sampleRateHz: 8000 }), new Int16Array(8000)]);
  const framesInSignal = Math.floor(signal.length / 160);
  const lines: { channel: InMemoryAudioChannel; bridge: VoiceBridge; offset: number }[] = [];
  for (let i = 0; i < opts.calls; i++) {
    const channel = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    channel.keepSentFrames = false;
    const recorder = await CallRecorder.start({ dataDir, callId: `bench-${i}` });
    const bridge = new VoiceBridge({
      channel,
      lang: 'ja',
      media: { synthesizer: opts.synth, backchannels, vad: opts.vad, recognizer: null, ...(opts.shards ? { shards: opts.shards } : {}) },
      clock,
      recorder,
      onEvent: () => undefined,
    });
    bridge.stats.lateness = [];
    lines.push({ channel, bridge, offset: Math.floor((i * 37) % framesInSignal) });
  }
  // The caller side: the network delivers one frame per call per 20 ms.
  let frameNo = 0;
  const feeder = clock.subscribe(() => {
    frameNo++;
    for (const line of lines) {
      const at = ((line.offset + frameNo) % framesInSignal) * 160;
      line.channel.receiveFrame({ samples: signal.subarray(at, at + 160), sampleRateHz: 8000 });
    }
  });
  const started = performance.now();
  for (const line of lines) line.bridge.start();
  // Each call starts a prompt every 5 s at its own phase (calls do not all speak in the same instant).
  const promptsSent = lines.map(() => 0);
  let warmedUp = false;
  let cpuFrom = process.cpuUsage();
  let cpuFromAt = performance.now();
  while (performance.now() - started < opts.seconds * 1000) {
    const now = performance.now() - started;
    lines.forEach((line, i) => {
      const phase = (i * 97) % 5000;
      if (now >= phase + (promptsSent[i] as number) * 5000) {
        line.bridge.apply({ type: 'say', text: PROMPT, interruptible: false });
        promptsSent[i] = (promptsSent[i] as number) + 1;
      }
    });
    // The first second (JIT warm-up, first prompts) is not what the machine sustains.
    if (!warmedUp && now >= 1000) {
      warmedUp = true;
      for (const line of lines) line.bridge.stats.lateness = [];
      cpuFrom = process.cpuUsage();
      cpuFromAt = performance.now();
    }
    await sleep(20);
  }
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuFrom);
  const cpuMsPerCallSecond = (cpu.user + cpu.system) / 1000 / ((performance.now() - cpuFromAt) / 1000) / opts.calls;
  const rssMB = process.memoryUsage().rss / 1048576;
  feeder();
  // Inbound frames still queued 100 ms after the feed stops were too late to matter.
  await sleep(100);
  const backlogLeft = lines.reduce((n, l) => n + (l.bridge.stats.framesIn - processedOf(l.bridge)), 0);
  const lateness = lines.flatMap((l) => l.bridge.stats.lateness ?? []);
  const expectedTicks = Math.floor(elapsedMs / 20);
  const skipped = lines.reduce((n, l) => n + Math.max(0, expectedTicks - 2 - l.bridge.stats.ticks), 0);
  const maxBacklogFrames = Math.max(...lines.map((l) => l.bridge.stats.maxBacklogFrames));
  await Promise.all(lines.map((l) => l.bridge.close('bench')));
  clock.stop();
  rmSync(dataDir, { recursive: true, force: true });
  const p99 = percentile(lateness, 99);
  const lostFrames = skipped + backlogLeft;
  // A backlog of 5 frames = caller audio judged 100 ms late: barge-in would miss its 200 ms budget.
  return {
    calls: opts.calls,
    p99LatenessMs: round(p99, 2),
    lostFrames,
    maxBacklogFrames,
    rssMB: round(rssMB, 1),
    cpuMsPerCallSecond: round(cpuMsPerCallSecond, 2),
    loadAverage: round(loadavg()[0] ?? 0, 2),
    passed: p99 < 20 && lostFrames === 0 && maxBacklogFrames <= 5,
  };
}

function processedOf(bridge: VoiceBridge): number {
  return bridge.stats.framesIn - bridge.backlogFrames;
}
