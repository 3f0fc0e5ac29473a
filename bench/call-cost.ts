import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualFrameClock } from '../src/calls/voice/testing/manual-frame-clock';
import { round } from './stats';
import { cpuBetween, threadCpu } from './thread-cpu';
import { LOAD_SAY, openLines, promptPhaseMs, PROMPT_EVERY_MS, type LoadOptions } from './voice-load';

export interface CallCost {
  calls: number;
  /** Call audio pushed through, per call, s. */
  callSeconds: number;
  /** CPU per second of call, ms: all threads, the main thread, the shard threads, the other threads (null off Linux). */
  cpuMsPerCallSecond: number;
  mainThreadMsPerCallSecond: number | null;
  shardThreadsMsPerCallSecond: number | null;
  otherThreadsMsPerCallSecond: number | null;
  /** How much faster than real time the machine did the work (wall), for scale only. */
  speedOverRealTime: number;
  loadAverage: number;
}

/**
 * What a call costs in CPU, independent of how busy the machine is: the same calls and signal as
 * runLoad, but driven by a manual clock in a closed loop — one 20 ms tick for every call, then wait
 * until every caller frame has come back from its media shard, then the next tick. Nothing is ever
 * late or dropped, batches are as large as in a real-time run (one tick of every call), and CPU
 * time (not wall time) is divided by the call audio pushed through, so other processes on the
 * machine change the figure only through shared caches and frequency, not through scheduling.
 */
export async function measureCallCost(opts: LoadOptions & { seconds: number }): Promise<CallCost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aizuchi-bench-cost-'));
  const clock = new ManualFrameClock();
  const { lines, signal, framesInSignal } = await openLines({ ...opts, clock, dataDir });
  try {
    let frameNo = 0;
    clock.subscribe(() => {
      frameNo++;
      for (const line of lines) {
        const at = ((line.offset + frameNo) % framesInSignal) * 160;
        line.channel.receiveFrame({ samples: signal.subarray(at, at + 160), sampleRateHz: 8000 });
      }
    });
    for (const line of lines) line.bridge.start();
    const warmUpTicks = 50;
    const ticks = warmUpTicks + Math.round((opts.seconds * 1000) / 20);
    let from = threadCpu(opts.shardThreadIds);
    let started = performance.now();
    for (let t = 0; t < ticks; t++) {
      if (t === warmUpTicks) {
        from = threadCpu(opts.shardThreadIds);
        started = performance.now();
      }
      lines.forEach((line, i) => {
        if ((t * 20) % PROMPT_EVERY_MS === Math.round(promptPhaseMs(i) / 20) * 20) line.bridge.apply(LOAD_SAY);
      });
      clock.tick();
      // Wait on the calls' own promises, never by polling: a busy loop here would be counted as the
      // main thread's cost (it was: 4.0 of 8.9 ms/s before; the real-time ramp shows about 1).
      await Promise.all(lines.map((l) => l.bridge.idle()));
    }
    const cpu = cpuBetween(from, threadCpu(opts.shardThreadIds));
    const callSeconds = ((ticks - warmUpTicks) * 20) / 1000;
    const per = (ms: number | null) => (ms === null ? null : round(ms / (callSeconds * opts.calls), 2));
    return {
      calls: opts.calls,
      callSeconds,
      cpuMsPerCallSecond: per(cpu.totalMs) as number,
      mainThreadMsPerCallSecond: per(cpu.mainMs),
      shardThreadsMsPerCallSecond: per(cpu.shardsMs),
      otherThreadsMsPerCallSecond: per(cpu.restMs ?? (cpu.mainMs === null ? null : cpu.totalMs - cpu.mainMs)),
      speedOverRealTime: round((callSeconds * 1000) / (performance.now() - started), 1),
      loadAverage: round(loadavg()[0] ?? 0, 2),
    };
  } finally {
    await Promise.all(lines.map((l) => l.bridge.close('bench')));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
