import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BatchedSileroVad } from '../src/calls/voice/batched-silero-vad';
import { MediaShardPool } from '../src/calls/voice/media-shards';
import { internalRateSynthesizer } from '../src/calls/voice/internal-rate-synthesizer';
import { realSpeech } from '../src/calls/voice/testing/voice-test-kit';
import { INTERNAL_RATE_HZ } from '../src/calls/voice/voice-bridge';
import { SileroVadModel } from '../src/media/vad/silero-vad';
import { createSynthesizer } from '../src/speech/synthesis/engine-registry';
import { benchApi } from './api-load';
import { measureCallCost } from './call-cost';
import { benchCliStart } from './cli-start';
import { benchParserAccuracy } from './parser-accuracy';
import type { Synthesizer } from '../src/speech/synthesizer';
import { benchMediaStreamLatency, LOAD_PROMPT, runStreamLoad, type StreamLoadResult } from './media-stream';
import { benchRecognizerStream } from './recognizer-stream';
import { benchResponseLatency } from './response-latency';
import { benchAgentReply, benchEmailParser, benchResampler, benchTts } from './small-benches';
import { round, summary } from './stats';
import { benchVadGate } from './vad-gate';
import { PASS_RULE, runLoad, type LoadResult } from './voice-load';

/**
 * `npm run bench [-- --json] [-- --quick] [-- --media-stream] [-- --calls]`: how fast aizuchi answers
 * and how many voice calls this machine carries. Prints a table, or exactly one JSON object with
 * --json (progress goes to stderr). --media-stream runs only the carrier media-stream figures,
 * --calls only the concurrent-calls ramp.
 */
async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const quick = process.argv.includes('--quick');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (process.argv.includes('--media-stream')) return mediaStreamOnly({ json, quick, log });
  if (process.argv.includes('--calls')) return callsOnly({ quick, log });
  if (process.argv.includes('--cli')) return cliOnly({ json, quick });
  if (process.argv.includes('--api')) return apiOnly({ json, quick, log });
  const startLoad = loadavg().map((l) => round(l, 2));
  const dir = mkdtempSync(join(tmpdir(), 'aizuchi-bench-speech-'));
  const vad = await SileroVadModel.load();
  try {
    log('tts real-time factor…');
    const ttsRealTimeFactor = await benchTts(quick ? 2 : 5);
    log('agent reply cpu…');
    const agentReplyCpuMs = await benchAgentReply(quick ? 20 : 100);
    log('email parser…');
    const parseLinesPerSec = benchEmailParser(quick ? 300 : 1500);
    log('parser accuracy on the test sets…');
    const parserAccuracy = benchParserAccuracy();
    log('resampler…');
    const resamplerUsPerFrame = benchResampler(quick ? 2000 : 20000);
    log('response latency…');
    const latency = await benchResponseLatency(vad, quick ? 1 : 3);
    const responseLatencyMs = { cached: summary(latency.cached), uncached: summary(latency.uncached) };
    log('recognizer stream reuse and recovery…');
    const recognizerStream = await benchRecognizerStream(quick ? 5 : 20);
    log('energy gate: recall of speech starts and inferences saved…');
    const vadGate = await benchVadGate(vad, dir);

    log('concurrent calls…');
    const caller8k = await realSpeech(
      dir,
      'caller',
      'はい、エム、エー、ティー、ティー、ワイ、アットマーク、ジーメールドットコムです。',
      'ja',
      8000,
    );
    // As the server runs calls (voice-media.ts): batched VAD, prompts kept at 16 kHz once synthesized.
    const batchedVad = await BatchedSileroVad.load();
    const synth = internalRateSynthesizer(createSynthesizer(), INTERNAL_RATE_HZ);
    for await (const _frame of synth.synthesize(LOAD_PROMPT, { lang: 'ja' })) {
      // warms the prompt cache
    }
    // As the server runs calls (voice-media.ts): media shards, one per core, energy gate on.
    const shards = await MediaShardPool.start();
    const seconds = quick ? 4 : 8;
    const ramp = await rampCalls({
      quick,
      seconds,
      log,
      run: (calls) => runLoad({ calls, seconds, vad: batchedVad, shards, shardThreadIds: shards.threadIds, synth, caller8k }),
    });
    log('media streams (Twilio framing over loopback WebSockets)…');
    const streams = await benchMediaStreams({ quick, vad: batchedVad, shards, synth, caller8k, log });
    const shardStats = shards.stats;
    await shards.close();
    await batchedVad.release();
    const best = ramp
      .filter((r) => r.passed)
      .sort((a, b) => a.calls - b.calls)
      .pop();
    const concurrentCalls = best?.calls ?? 0;
    const memoryPerCallMB = best?.memoryPerCallMB ?? null;

    const result = {
      responseLatencyMs,
      concurrentCalls,
      cpuMsPerCallSecond: best?.cpuMsPerCallSecond ?? null,
      loadAverageAtConcurrentCalls: best?.loadAverage ?? null,
      ttsRealTimeFactor,
      memoryPerCallMB,
      vadGate,
      agentReplyCpuMs,
      parseLinesPerSec,
      resamplerUsPerFrame,
      recognizerStream,
      parserAccuracy,
      mediaStream: streams.summary,
      details: {
        quick,
        cpus: cpus().length,
        loadAverageAtStart: startLoad,
        responseLatencySamples: { cached: latency.cached.length, uncached: latency.uncached.length },
        loadSecondsPerLevel: seconds,
        ramp,
        mediaShards: { threads: shardStats.lanes.length, sileroWindowsInferred: shardStats.inferred, windowsGated: shardStats.skipped },
        mediaStreamRamp: streams.ramp,
        notes: [
          'mediaStream: the real /telephony/media-stream endpoint on loopback with Twilio framing; firstAudioMs = the carrier sending start → the first audible agent frame reaching it (cached greeting); replyMs = end of the caller turn (final text to the agent, or the last key sent by the carrier) → the first audible reply frame at the carrier, 0-20 ms playout tick wait included; concurrentCalls = the softphone pass rule, carriers in the same process',
          'responseLatencyMs: end of the caller turn (final text or last key) to the first frame of the reply leaving for the channel; recognizer latency is not included; playout clock wait (0-20 ms) excluded',
          'concurrentCalls: largest level with p99 tick lateness < 20 ms (after a 1 s warm-up), no lost frames and inbound VAD backlog <= 5 frames; 8 kHz calls with resampling, DTMF, Silero VAD behind the energy gate on media shards (one worker thread per core, one batched session each), recording to disk, a cached prompt every 5 s per call; no recognizer. The ramp climbs in coarse steps, then in steps of 25 from the last passing level; cpuMsPerCallSecond = process CPU (all threads) per second of call at that level; loadAverage = the 1-minute load when the level ended',
          'vadGate: recall of speech starts (turn onset found within -100..+300 ms) on 8 sentences x 2 turns x 4 backgrounds, Silero on every window vs behind the energy gate, and the share of windows the gate answered',
          'recognizerStream: local Deepgram-protocol server on loopback; turnsPerStream = caller turns / streams opened (Finalize at each endpoint); recovery = from the injected socket drop to the first final of the replacement stream, which replays the unanswered turn (backoff 250, 500, 1000, 2000, 4000 ms)',
          'parserAccuracy: share of cases read right per kind and language, over the arrays the parser tests iterate (src/agent/understanding/test-sets); a case the parsers get wrong shows here before any test is changed',
          'figures are only as good as the machine is quiet: see loadAverageAtStart',
        ],
      },
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const rows: [string, string][] = [
      ['response latency cached p50/p95 (ms)', `${responseLatencyMs.cached.p50} / ${responseLatencyMs.cached.p95}`],
      ['response latency uncached p50/p95 (ms)', `${responseLatencyMs.uncached.p50} / ${responseLatencyMs.uncached.p95}`],
      ['concurrent calls', `${concurrentCalls} (load average ${best?.loadAverage ?? '-'})`],
      ['cpu per call (ms of CPU per second of call)', String(best?.cpuMsPerCallSecond ?? '-')],
      ['energy gate: speech-start recall without / with', `${vadGate.recallWithout} / ${vadGate.recallWith} (${vadGate.turns} turns)`],
      ['energy gate: Silero inferences saved', `${(vadGate.inferencesSaved * 100).toFixed(1)} %`],
      ['memory per call (MB)', String(memoryPerCallMB)],
      ['tts real-time factor ja / en', `${ttsRealTimeFactor.ja} / ${ttsRealTimeFactor.en}`],
      ['agent reply cpu p50/p95 (ms)', `${agentReplyCpuMs.p50} / ${agentReplyCpuMs.p95}`],
      ['email parser (lines/s)', String(parseLinesPerSec)],
      ['resampler 8->16 / 16->8 kHz (µs per 20 ms frame)', `${resamplerUsPerFrame.up8to16Us} / ${resamplerUsPerFrame.down16to8Us}`],
      [
        'media stream: first agent audio after start p50/p95 (ms)',
        `${streams.summary.firstAudioMs.p50} / ${streams.summary.firstAudioMs.p95}`,
      ],
      ['media stream: response latency p50/p95 (ms)', `${streams.summary.replyMs.p50} / ${streams.summary.replyMs.p95}`],
      ['media stream: concurrent calls', String(streams.summary.concurrentCalls)],
      ['recognizer turns per stream', String(recognizerStream.turnsPerStream)],
      [
        'recognizer recovery after drop / after 2 s outage (ms)',
        `${recognizerStream.recoveryAfterDropMs} / ${recognizerStream.recoveryAfter2sOutageMs}`,
      ],
      ...Object.entries(parserAccuracy).map(([set, a]): [string, string] => [
        `parser accuracy: ${set} (right / cases)`,
        `${(a.share * 100).toFixed(1)} % (${a.right} / ${a.total})`,
      ]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  } finally {
    await vad.release();
    rmSync(dir, { recursive: true, force: true });
  }
}

const CPU_SPLIT = 'main thread + media shards + other threads';

/** ' (main + shards + other)' per call-second, or ' (main + other)' without shard thread ids, or '' off Linux. */
function cpuSplit(r: {
  mainThreadMsPerCallSecond: number | null;
  shardThreadsMsPerCallSecond: number | null;
  otherThreadsMsPerCallSecond: number | null;
}): string {
  if (r.mainThreadMsPerCallSecond === null) return '';
  const shards = r.shardThreadsMsPerCallSecond === null ? '' : ` + ${r.shardThreadsMsPerCallSecond}`;
  return ` (${r.mainThreadMsPerCallSecond}${shards} + ${r.otherThreadsMsPerCallSecond})`;
}

/**
 * The concurrency ramp: coarse levels up to the first failure, then steps of 25 from the last
 * passing level up to that failure, so the figure is exact to 25 calls.
 */
async function rampCalls(opts: {
  quick: boolean;
  seconds: number;
  log: (line: string) => void;
  run: (calls: number) => Promise<LoadResult>;
  /** Levels to climb instead of the default ones. */
  levels?: number[];
}): Promise<LoadResult[]> {
  const coarse = opts.levels ?? (opts.quick ? [10, 25, 50] : [50, 100, 200, 300, 400, 500, 600]);
  const ramp: LoadResult[] = [];
  opts.log(`  pass rule: ${PASS_RULE}; cpu = ms of CPU per second of call (${CPU_SPLIT})`);
  const level = async (calls: number) => {
    const result = await opts.run(calls);
    ramp.push(result);
    const split = cpuSplit(result);
    opts.log(
      `  ${calls} calls: p99 lateness ${result.p99LatenessMs} ms (max ${result.maxLatenessMs}), lost ${result.lostFrames}, max backlog ${result.maxBacklogFrames} frames, cpu ${result.cpuMsPerCallSecond}${split} ms/s per call, ${result.memoryPerCallMB} MB per call, load ${result.loadAverage} → ${result.passed ? 'ok' : 'FAIL'}`,
    );
    return result.passed;
  };
  let lastPass = 0;
  let firstFail: number | null = null;
  for (const calls of coarse) {
    if (!(await level(calls))) {
      firstFail = calls;
      break;
    }
    lastPass = calls;
  }
  if (opts.quick || opts.levels || firstFail === null) return ramp;
  for (let calls = lastPass + 25; calls < firstFail; calls += 25) if (!(await level(calls))) break;
  return ramp;
}

/**
 * `--calls [--level N]`: the concurrent-calls ramp alone (to re-measure when the machine is quiet),
 * or one level of N calls; one JSON line per level on stdout.
 */
async function callsOnly(opts: { quick: boolean; log: (line: string) => void }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'aizuchi-bench-speech-'));
  const vad = await BatchedSileroVad.load();
  const niceAt = process.argv.indexOf('--shard-nice');
  const niceness = niceAt > 0 ? Number(process.argv[niceAt + 1]) : 0;
  const shards = await MediaShardPool.start({ niceness });
  opts.log(`  media shards: ${shards.stats.lanes.length} threads at nice +${niceness} (--shard-nice N), ${availableParallelism()} cores`);
  try {
    const caller8k = await realSpeech(
      dir,
      'caller',
      'はい、エム、エー、ティー、ティー、ワイ、アットマーク、ジーメールドットコムです。',
      'ja',
      8000,
    );
    const synth = internalRateSynthesizer(createSynthesizer(), INTERNAL_RATE_HZ);
    for await (const _frame of synth.synthesize(LOAD_PROMPT, { lang: 'ja' })) {
      // warms the prompt cache
    }
    const seconds = opts.quick ? 4 : 8;
    const run = (calls: number) => runLoad({ calls, seconds, vad, shards, shardThreadIds: shards.threadIds, synth, caller8k });
    // --level N: that many calls once (CPU per call before/after a change), no ramp.
    const level = Number(process.argv[process.argv.indexOf('--level') + 1]);
    if (process.argv.includes('--cost')) {
      // --cost [--level N]: CPU per call in a closed loop (bench/call-cost.ts), independent of the machine's load.
      const cost = await measureCallCost({
        calls: level > 0 ? level : 100,
        seconds: opts.quick ? 5 : 20,
        vad,
        shards,
        shardThreadIds: shards.threadIds,
        synth,
        caller8k,
      });
      opts.log(
        `  cpu per call: ${cost.cpuMsPerCallSecond}${cpuSplit(cost)} ms/s (${CPU_SPLIT}), ${cost.calls} calls x ${cost.callSeconds} s, ${cost.speedOverRealTime}x real time, load ${cost.loadAverage}`,
      );
      process.stdout.write(`${JSON.stringify(cost)}\n`);
      return;
    }
    const ramp =
      process.argv.includes('--level') && level > 0
        ? await rampCalls({ ...opts, seconds, run, levels: [level] })
        : await rampCalls({ ...opts, seconds, run });
    for (const level of ramp) process.stdout.write(`${JSON.stringify(level)}\n`);
  } finally {
    await shards.close();
    await vad.release();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--api [--processes N]`: the recovery API under load (bench/api-load.ts), N serve processes (default 1, SQLite; N > 1 on PostgreSQL). */
async function apiOnly(opts: { json: boolean; quick: boolean; log: (line: string) => void }): Promise<void> {
  const at = process.argv.indexOf('--processes');
  const processes = at > 0 ? Number(process.argv[at + 1]) : 1;
  if (!Number.isInteger(processes) || processes < 1) throw new Error('--processes takes a whole number >= 1');
  const result = await benchApi({ processes, quick: opts.quick, log: opts.log });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `recovery API, ${result.processes} process(es) on ${result.database}: ${result.requestsPerSec} requests/s with p95 < ${result.p95LimitMs} ms (floor ${result.recoveryFloorMs} ms + /healthz p50 ${result.healthzP50Ms} ms + 100 ms); load average at start ${result.loadAverageAtStart.join(' ')}\n`,
  );
}

/** The media-stream figures alone, with the same engines and caller signal as the full run. */
/** `--cli`: only the CLI's start times (issue 11 goal: --help and hours next < 300 ms). */
function cliOnly(opts: { json: boolean; quick: boolean }): void {
  const startLoad = loadavg().map((l) => round(l, 2));
  const cliStartMs = benchCliStart(opts.quick ? 5 : 20);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ cliStartMs, details: { loadAverageAtStart: startLoad } })}\n`);
    return;
  }
  process.stdout.write(`CLI start, ms (load average at start ${startLoad.join(' ')})\n`);
  for (const f of cliStartMs) process.stdout.write(`  ${f.label.padEnd(22)} p50 ${f.p50}  p95 ${f.p95}  (${f.runs} runs)\n`);
}

async function mediaStreamOnly(opts: { json: boolean; quick: boolean; log: (line: string) => void }): Promise<void> {
  const startLoad = loadavg().map((l) => round(l, 2));
  const dir = mkdtempSync(join(tmpdir(), 'aizuchi-bench-speech-'));
  const vad = await BatchedSileroVad.load();
  const shards = await MediaShardPool.start();
  try {
    const caller8k = await realSpeech(
      dir,
      'caller',
      'はい、エム、エー、ティー、ティー、ワイ、アットマーク、ジーメールドットコムです。',
      'ja',
      8000,
    );
    const synth = internalRateSynthesizer(createSynthesizer(), INTERNAL_RATE_HZ);
    for await (const _frame of synth.synthesize(LOAD_PROMPT, { lang: 'ja' })) {
      // warms the prompt cache
    }
    const streams = await benchMediaStreams({ quick: opts.quick, vad, shards, synth, caller8k, log: opts.log });
    const result = { mediaStream: streams.summary, details: { loadAverageAtStart: startLoad, mediaStreamRamp: streams.ramp } };
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `media stream: first agent audio after start p50/p95 (ms)  ${streams.summary.firstAudioMs.p50} / ${streams.summary.firstAudioMs.p95}\n`,
      );
      process.stdout.write(
        `media stream: response latency p50/p95 (ms)              ${streams.summary.replyMs.p50} / ${streams.summary.replyMs.p95}\n`,
      );
      process.stdout.write(`media stream: concurrent calls                           ${streams.summary.concurrentCalls}\n`);
      process.stdout.write(`load average at start                                    ${startLoad.join(' ')}\n`);
    }
  } finally {
    await shards.close();
    await vad.release();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** First audio, reply latency and the concurrency ramp over media streams (bench/media-stream.ts). */
async function benchMediaStreams(opts: {
  quick: boolean;
  vad: BatchedSileroVad;
  shards?: MediaShardPool;
  synth: Synthesizer;
  caller8k: Int16Array;
  log: (line: string) => void;
}) {
  const latency = await benchMediaStreamLatency({ synth: opts.synth, vad: opts.vad }, opts.quick ? 3 : 10);
  const levels = opts.quick ? [10, 25] : [25, 50, 75, 100, 150, 200];
  const ramp: StreamLoadResult[] = [];
  for (const calls of levels) {
    const result = await runStreamLoad({
      calls,
      seconds: opts.quick ? 4 : 8,
      vad: opts.vad,
      ...(opts.shards ? { shards: opts.shards } : {}),
      synth: opts.synth,
      caller8k: opts.caller8k,
    });
    ramp.push(result);
    opts.log(
      `  ${calls} streams: p99 lateness ${result.p99LatenessMs} ms, lost ${result.lostFrames}, max backlog ${result.maxBacklogFrames} frames → ${result.passed ? 'ok' : 'FAIL'}`,
    );
    if (!result.passed) break;
  }
  const passing = ramp.filter((r) => r.passed);
  return {
    summary: {
      firstAudioMs: summary(latency.firstAudioMs),
      replyMs: summary(latency.replyMs),
      concurrentCalls: passing[passing.length - 1]?.calls ?? 0,
      samples: { firstAudio: latency.firstAudioMs.length, reply: latency.replyMs.length },
    },
    ramp,
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
