import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of this process so far, ms: all threads, and the main thread (which paces every call's frames). */
export interface ThreadCpu {
  readonly totalMs: number;
  /** Null where /proc/self/task is not there (not Linux). */
  readonly mainMs: number | null;
}

/** Linux reports thread times in clock ticks of USER_HZ, which is 100 on every architecture Node runs on. */
const USER_HZ = 100;

/**
 * Total CPU from process.cpuUsage() (every thread: main, media shards, the VAD worker, libuv and V8
 * helpers), and the main thread's own share from /proc/self/task/<pid>/stat (utime + stime, fields 14
 * and 15, 10 ms resolution). Node 20 has no per-thread CPU call, and Node names every thread "node",
 * so the rest (total − main) is what the worker threads and helpers used.
 */
export function threadCpu(): ThreadCpu {
  const usage = process.cpuUsage();
  return { totalMs: (usage.user + usage.system) / 1000, mainMs: mainThreadMs() };
}

function mainThreadMs(): number | null {
  try {
    if (!readdirSync('/proc/self/task').includes(String(process.pid))) return null;
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / USER_HZ : null;
  } catch {
    return null;
  }
}
