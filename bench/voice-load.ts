import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CallRecorder } from '../src/calls/recording/call-recorder';
import { createIntervalFrameClock, type FrameClock } from '../src/calls/voice/frame-clock';
import { InMemoryAudioChannel } from '../src/calls/voice/testing/in-memory-channel';
import { VoiceBridge } from '../src/calls/voice/voice-bridge';
import { generateDtmf } from '../src/media/dtmf/generator';
import { concatSamples } from '../src/media/frame';
import type { VoiceMedia } from '../src/calls/voice/voice-bridge';
import { createBackchannelClips } from '../src/speech/synthesis/backchannel-clips';
import type { Synthesizer } from '../src/speech/synthesizer';
import { percentile, round } from './stats';
import { cpuBetween, threadCpu, type ThreadCpu } from './thread-cpu';

export interface LoadResult {
  calls: number;
  p99LatenessMs: number;
  /**
   * The latest tick, ms: the longest the pacing thread was kept from a tick (a GC pause, the OS).
   * A stall of 100 ms or more fails the backlog rule by itself: the clock then sends 5 ticks in one
   * turn of the event loop, before any shard result can come back.
   */
  maxLatenessMs: number;
  /** Outbound ticks the clock skipped plus inbound frames still unprocessed after 100 ms. */
  lostFrames: number;
  /** Most caller frames one call had waiting for VAD/DTMF at once, after the warm-up second. */
  maxBacklogFrames: number;
  rssMB: number;
  /** RSS added by the open calls (after the calls ran, minus before they opened), per call, MB. */
  memoryPerCallMB: number;
  /**
   * CPU time of the whole process (every thread) per second of call audio actually paced (ticks the
   * calls got after the warm-up × 20 ms), ms. Per paced second rather than per wall second, so a
   * starved run that skipped frames does not look cheaper.
   */
  cpuMsPerCallSecond: number;
  /**
   * The part of it on the main thread (clock, channels, dialogue, recording), on the media shard
   * threads, and on every other thread (libuv's pool writing recordings, V8's garbage collection and
   * compiler helpers, the VAD worker); null off Linux (shards: null without shard thread ids).
   */
  mainThreadMsPerCallSecond: number | null;
  shardThreadsMsPerCallSecond: number | null;
  otherThreadsMsPerCallSecond: number | null;
  /** 1-minute load average when the level ended: the machine's other work shows here. */
  loadAverage: number;
  passed: boolean;
}

/** The pass rule of a level, as printed with the ramp. */
export const PASS_RULE = 'p99 frame lateness < 20 ms, no lost frames, VAD backlog <= 5 frames (after a 1 s warm-up)';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LoadOptions {
  calls: number;
  vad: VoiceMedia['vad'];
  /** Media worker threads, as the server runs calls; absent: all media work on the main thread. */
  shards?: VoiceMedia['shards'];
  /** Linux thread ids of the shards (MediaShardPool.threadIds), to split their CPU from the rest. */
  shardThreadIds?: readonly number[];
  synth: Synthesizer;
  caller8k: Int16Array;
}

export interface BenchLine {
  readonly channel: InMemoryAudioChannel;
  readonly bridge: VoiceBridge;
  /** Where in the looped caller signal this call starts, in frames. */
  readonly offset: number;
}

/**
 * Opens `calls` bridges on `clock`, each with a channel, a recording under `dataDir` and the caller
 * signal (speech, a pause, keypad tones, a pause; 8 kHz) it will be fed from its own offset.
 */
export async function openLines(opts: LoadOptions & { clock: FrameClock; dataDir: string }) {
  const backchannels = createBackchannelClips(opts.synth);
  const signal = concatSamples([opts.caller8k, new Int16Array(8000), generateDtmf('1267', { sampleRateHz: 8000 }), new Int16Array(8000)]);
  const framesInSignal = Math.floor(signal.length / 160);
  const lines: BenchLine[] = [];
  for (let i = 0; i < opts.calls; i++) {
    const channel = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    channel.keepSentFrames = false;
    const recorder = await CallRecorder.start({ dataDir: opts.dataDir, callId: `bench-${i}` });
    const bridge = new VoiceBridge({
      channel,
      lang: 'ja',
      media: { synthesizer: opts.synth, backchannels, vad: opts.vad, recognizer: null, ...(opts.shards ? { shards: opts.shards } : {}) },
      clock: opts.clock,
      recorder,
      onEvent: () => undefined,
    });
    bridge.stats.lateness = [];
    lines.push({ channel, bridge, offset: Math.floor((i * 37) % framesInSignal) });
  }
  return { lines, signal, framesInSignal };
}

/**
 * Call i starts on tick i mod 40 of the first 0.8 s (inside the warm-up second). Calls that all start
 * on one tick stay in lockstep: every call's 32 ms Silero window completes on the same ticks (5 of
 * every 8), so each shard ran batches of all its calls, then none, and its peak tick cost about 1.6x
 * its mean. Real calls start at any moment, so their windows are spread over the ticks; 40 start
 * ticks spread the windows' phase evenly over the 8-tick cycle. Every call does all its work from
 * its first tick; nothing is measured before the warm-up ends.
 */
export const START_SPREAD_TICKS = 40;

/** Call i starts a prompt every 5 s at its own phase (calls do not all speak in the same instant). */
export const PROMPT_EVERY_MS = 5000;
export function promptPhaseMs(i: number): number {
  return (i * 97) % PROMPT_EVERY_MS;
}
export const LOAD_SAY = {
  type: 'say',
  text: 'ご本人確認のため、登録されているメールアドレスを、一文字ずつお話しください。',
  interruptible: false,
} as const;

/**
 * `calls` simultaneous calls for `seconds`: every call gets one caller frame per 20 ms (speech, a
 * pause, keypad tones, looped, each call at its own offset) through resampling, DTMF, Silero VAD
 * and the endpointer, sends one agent frame per 20 ms (a cached prompt every few seconds) and writes
 * its stereo recording to disk. One shared clock drives both directions, as in the server.
 */
export async function runLoad(opts: LoadOptions & { seconds: number }): Promise<LoadResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aizuchi-bench-'));
  global.gc?.();
  const rssBeforeMB = process.memoryUsage().rss / 1048576;
  const clock = createIntervalFrameClock();
  const { lines, signal, framesInSignal } = await openLines({ ...opts, clock, dataDir });
  // The caller side: the network delivers one frame per call per 20 ms, to the calls started so far.
  let frameNo = 0;
  let warmedUp = false;
  let maxBacklogFrames = 0;
  const startedAt = lines.map(() => Number.NaN);
  const feeder = clock.subscribe(() => {
    frameNo++;
    lines.forEach((line, i) => {
      if (i % START_SPREAD_TICKS === frameNo - 1) {
        line.bridge.start();
        startedAt[i] = performance.now();
      }
      if (Number.isNaN(startedAt[i])) return;
      const at = ((line.offset + frameNo) % framesInSignal) * 160;
      line.channel.receiveFrame({ samples: signal.subarray(at, at + 160), sampleRateHz: 8000 });
      // A backlog only grows when a frame arrives, so its peak is right after this.
      if (warmedUp) maxBacklogFrames = Math.max(maxBacklogFrames, line.bridge.backlogFrames);
    });
  });
  const started = performance.now();
  const promptsSent = lines.map(() => 0);
  let cpuFrom: ThreadCpu = threadCpu(opts.shardThreadIds);
  let ticksFrom = 0;
  while (performance.now() - started < opts.seconds * 1000) {
    const now = performance.now() - started;
    lines.forEach((line, i) => {
      if (now >= promptPhaseMs(i) + (promptsSent[i] as number) * PROMPT_EVERY_MS) {
        line.bridge.apply(LOAD_SAY);
        promptsSent[i] = (promptsSent[i] as number) + 1;
      }
    });
    // The first second (JIT warm-up, first prompts) is not what the machine sustains.
    if (!warmedUp && now >= 1000) {
      warmedUp = true;
      for (const line of lines) line.bridge.stats.lateness = [];
      cpuFrom = threadCpu(opts.shardThreadIds);
      ticksFrom = ticksOf(lines);
    }
    await sleep(20);
  }
  const endedAt = performance.now();
  const cpu = cpuBetween(cpuFrom, threadCpu(opts.shardThreadIds));
  const callSeconds = ((ticksOf(lines) - ticksFrom) * 20) / 1000;
  const perCallSecond = (ms: number | null) => (ms === null ? null : round(ms / Math.max(callSeconds, 0.02), 2));
  const rssMB = process.memoryUsage().rss / 1048576;
  feeder();
  // Inbound frames still queued 100 ms after the feed stops were too late to matter.
  await sleep(100);
  const backlogLeft = lines.reduce((n, l) => n + (l.bridge.stats.framesIn - processedOf(l.bridge)), 0);
  const lateness = lines.flatMap((l) => l.bridge.stats.lateness ?? []);
  // Each call should have had a tick every 20 ms since it started (a call never started counts all its ticks lost).
  const expectedTicks = (i: number) => Math.floor((endedAt - (Number.isNaN(startedAt[i]) ? started : (startedAt[i] as number))) / 20);
  const skipped = lines.reduce((n, l, i) => n + Math.max(0, expectedTicks(i) - 2 - l.bridge.stats.ticks), 0);
  await Promise.all(lines.map((l) => l.bridge.close('bench')));
  clock.stop();
  rmSync(dataDir, { recursive: true, force: true });
  const p99 = percentile(lateness, 99);
  const lostFrames = skipped + backlogLeft;
  // A backlog of 5 frames = caller audio judged 100 ms late: barge-in would miss its 200 ms budget.
  return {
    calls: opts.calls,
    p99LatenessMs: round(p99, 2),
    maxLatenessMs: round(
      lateness.reduce((m, x) => (x > m ? x : m), 0),
      1,
    ),
    lostFrames,
    maxBacklogFrames,
    rssMB: round(rssMB, 1),
    memoryPerCallMB: round((rssMB - rssBeforeMB) / opts.calls, 2),
    cpuMsPerCallSecond: perCallSecond(cpu.totalMs) as number,
    mainThreadMsPerCallSecond: perCallSecond(cpu.mainMs),
    shardThreadsMsPerCallSecond: perCallSecond(cpu.shardsMs),
    otherThreadsMsPerCallSecond: perCallSecond(cpu.restMs ?? (cpu.mainMs === null ? null : cpu.totalMs - cpu.mainMs)),
    loadAverage: round(loadavg()[0] ?? 0, 2),
    passed: p99 < 20 && lostFrames === 0 && maxBacklogFrames <= 5,
  };
}

export function ticksOf(lines: readonly { bridge: VoiceBridge }[]): number {
  return lines.reduce((n, l) => n + l.bridge.stats.ticks, 0);
}

function processedOf(bridge: VoiceBridge): number {
  return bridge.stats.framesIn - bridge.backlogFrames;
}
