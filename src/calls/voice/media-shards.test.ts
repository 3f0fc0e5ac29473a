import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtmfDetector } from '../../media/dtmf/detector';
import { generateDtmf } from '../../media/dtmf/generator';
import { concatSamples } from '../../media/frame';
import { StreamingResampler } from '../../media/resampler';
import { addNoise, chunks, seededRandom } from '../../media/testing/signals';
import { SileroVadModel } from '../../media/vad/silero-vad';
import { MediaShardError, MediaShardPool, type InboundResult, type LaneSink } from './media-shards';
import { audible, createBridgeRig, realSpeech } from './testing/voice-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'aizuchi-shards-'));
let speech8k: Int16Array;
let single: SileroVadModel;

beforeAll(async () => {
  speech8k = await realSpeech(dir, 'en', 'Hello, I would like to reset my authenticator, please.', 'en', 8000);
  single = await SileroVadModel.load();
});

afterAll(async () => {
  await single?.release();
  rmSync(dir, { recursive: true, force: true });
});

const frames8k = (samples: Int16Array) => chunks(samples, 160).filter((c) => c.length === 160);

/** A lane whose per-frame results are promises (a FIFO behind the lane's sink), for these tests. */
function openLane(pool: MediaShardPool) {
  const waiting: { resolve: (r: InboundResult) => void; reject: (e: MediaShardError) => void }[] = [];
  const sink: LaneSink = {
    analysed: (result) => waiting.shift()?.resolve(result),
    failed: (error) => waiting.shift()?.reject(error),
  };
  const lane = pool.open({ sampleRateHz: 8000, inBandDtmf: true, sink });
  return {
    lane,
    inbound: (samples: Int16Array) =>
      new Promise<InboundResult>((resolve, reject) => {
        waiting.push({ resolve, reject });
        lane.inbound(samples);
      }),
    outbound: (samples: Int16Array) => new Promise<Int16Array>((resolve) => lane.outbound(samples, resolve)),
  };
}

/** What one thread makes of a call's frames, in order: the reference the shards must match. */
async function alone(frames: Int16Array[]) {
  const up = new StreamingResampler(8000, 16000);
  const dtmf = new DtmfDetector();
  const vad = single.createDetector();
  const out: { internal: Int16Array; probability: number; keys: string }[] = [];
  for (const f of frames) {
    const internal = up.process(f);
    const keys = dtmf
      .process({ samples: f, sampleRateHz: 8000 })
      .map((k) => k.digit)
      .join('');
    out.push({ internal, probability: await vad.process({ samples: internal, sampleRateHz: 16000 }), keys });
  }
  return out;
}

describe('media shard pool (Silero, espeak-ng)', () => {
  it("keeps every call's frames in order: its 16 kHz audio, keys, probabilities and agent audio match one thread's", async () => {
    const pool = await MediaShardPool.start({ size: 2, gate: false });
    try {
      const signals = [
        concatSamples([new Int16Array(4000), speech8k]),
        concatSamples([generateDtmf('1267#', { sampleRateHz: 8000 }), speech8k]),
        addNoise(concatSamples([speech8k, generateDtmf('90', { sampleRateHz: 8000 })]), 15, seededRandom(5)),
      ].map(frames8k);
      const lanes = signals.map(() => openLane(pool));
      expect(pool.stats.lanes).toEqual([2, 1]);
      const results: Promise<InboundResult>[][] = signals.map(() => []);
      const agentOut: Promise<Int16Array>[] = [];
      const agent16k = frames8k(concatSamples([speech8k, speech8k])).map((_, i) => speech8k.subarray(i * 80, i * 80 + 320));
      const longest = Math.max(...signals.map((s) => s.length));
      // Frames of all calls interleaved, several per turn (a backlog), as a busy server gives them.
      for (let i = 0; i < longest; i++) {
        signals.forEach((frames, k) => frames[i] && results[k]!.push(lanes[k]!.inbound(frames[i]!)));
        if (agent16k[i]?.length === 320) agentOut.push(lanes[0]!.outbound(agent16k[i]!));
        if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      for (const [k, frames] of signals.entries()) {
        const got = await Promise.all(results[k]!);
        const ref = await alone(frames);
        expect(got).toHaveLength(ref.length);
        got.forEach((r, i) => {
          expect(r.internal.samples).toEqual(ref[i]!.internal);
          expect(r.internal.sampleRateHz).toBe(16000);
          expect(r.keys).toBe(ref[i]!.keys);
          expect(r.probability).toBeCloseTo(ref[i]!.probability, 4);
        });
      }
      expect((await Promise.all(results[1]!)).map((r) => r.keys).join('')).toBe('1267#');
      const down = new StreamingResampler(16000, 8000);
      const refOut = agent16k.filter((f) => f.length === 320).map((f) => down.process(f));
      expect(await Promise.all(agentOut)).toEqual(refOut.slice(0, agentOut.length));
    } finally {
      await pool.close();
    }
  });

  it('each shard names its Linux thread and runs at the niceness asked, while the event loop keeps its own', async () => {
    const pool = await MediaShardPool.start({ size: 2, niceness: 7 });
    try {
      const niceOf = (tid: number) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); // field 19, nice
      };
      if (process.platform !== 'linux') {
        expect(pool.threadIds).toEqual([]);
        return;
      }
      expect(pool.threadIds).toHaveLength(2);
      expect(new Set(pool.threadIds).size).toBe(2);
      for (const tid of pool.threadIds) {
        expect(tid).not.toBe(process.pid);
        expect(niceOf(tid) - niceOf(process.pid)).toBe(7);
      }
    } finally {
      await pool.close();
    }
  });

  it('a crashed shard ends its calls (lost, pending frames rejected) and is replaced; calls on the other shard go on', async () => {
    const pool = await MediaShardPool.start({ size: 2 });
    try {
      const lanes = [0, 1, 2, 3].map(() => openLane(pool));
      const lost: number[] = [];
      lanes.forEach(({ lane }, i) => lane.onLost((error) => (expect(error).toBeInstanceOf(MediaShardError), lost.push(i))));
      const frame = speech8k.subarray(0, 160);
      await Promise.all(lanes.map((l) => l.inbound(frame)));
      // Lanes 0 and 2 sit on shard 0 (fewest calls first, in turn).
      const pending = lanes[0]!.inbound(frame);
      await pool.crashShardForTests(0);
      await expect(pending).rejects.toBeInstanceOf(MediaShardError);
      expect(lost.sort()).toEqual([0, 2]);
      await expect(lanes[2]!.inbound(frame)).rejects.toBeInstanceOf(MediaShardError);
      expect((await lanes[1]!.inbound(frame)).internal.samples).toHaveLength(320);
      expect(pool.stats.replaced).toBe(1);
      // New calls go to the replacement shard (it has the fewest calls) and are served.
      const fresh = openLane(pool);
      expect(pool.stats.lanes).toEqual([1, 2]);
      expect((await fresh.inbound(frame)).internal.samples).toHaveLength(320);
    } finally {
      await pool.close();
    }
  });

  it('a voice bridge on a shard hears keys, sends agent audio at the channel rate, and ends as a lost line when its shard dies', async () => {
    const pool = await MediaShardPool.start({ size: 1 });
    try {
      const rig = createBridgeRig({ vad: single, shards: pool });
      rig.bridge.apply({ type: 'say', text: 'はい', interruptible: false });
      await rig.bridge.synthesized();
      const caller = frames8k(concatSamples([generateDtmf('42', { sampleRateHz: 8000 }), new Int16Array(1600)]));
      await rig.play(caller.map((samples) => ({ samples, sampleRateHz: 8000 })));
      expect(rig.events.filter((e) => e.type === 'dtmf').map((e) => (e as { digits: string }).digits)).toEqual(['4', '2']);
      await rig.bridge.idle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(rig.channel.sentCount).toBeGreaterThan(0);
      expect(rig.channel.sent.every((f) => f.sampleRateHz === 8000 && f.samples.length === 160)).toBe(true);
      expect(rig.channel.sent.some((f) => audible(f))).toBe(true);
      await pool.crashShardForTests(0);
      await rig.bridge.close();
      expect(rig.notices).toContainEqual({ type: 'media_lost' });
      expect(rig.channel.closedReason).toBe('media_lost');
      expect(rig.events).toContainEqual({ type: 'hangup' });
    } finally {
      await pool.close();
    }
  });
});
