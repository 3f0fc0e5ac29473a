import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of this process so far, ms: all threads, the main thread (which paces every call's frames) and the media shards. */
export interface ThreadCpu {
  readonly totalMs: number;
  /** Null where /proc/self/task is not there (not Linux). */
  readonly mainMs: number | null;
  /** The threads named in `shardThreadIds` together (media shards); null off Linux or when none were named. */
  readonly shardsMs: number | null;
}

/** Linux reports thread times in clock ticks of USER_HZ, which is 100 on every architecture Node runs on. */
const USER_HZ = 100;

/**
 * Total CPU from process.cpuUsage() (every thread: main, media shards, the VAD worker, libuv and V8
 * helpers), the main thread's own share and the shard threads' from /proc/self/task/<tid>/stat
 * (utime + stime, fields 14 and 15, 10 ms resolution). Node 20 has no per-thread CPU call and names
 * every thread "node", so the shards are found by the thread ids they report (MediaShardPool.threadIds);
 * the rest (total − main − shards) is libuv's pool (recording writes), V8's helpers (garbage
 * collection, compilation) and the other workers.
 */
export function threadCpu(shardThreadIds: readonly number[] = []): ThreadCpu {
  const usage = process.cpuUsage();
  let shardsMs: number | null = shardThreadIds.length === 0 ? null : 0;
  for (const tid of shardThreadIds) {
    const ms = taskMs(tid);
    shardsMs = shardsMs === null || ms === null ? null : shardsMs + ms;
  }
  return { totalMs: (usage.user + usage.system) / 1000, mainMs: taskMs(process.pid), shardsMs };
}

/** The split of a CPU interval, ms: all threads, main, shards and the rest (null where unknown). */
export function cpuBetween(from: ThreadCpu, to: ThreadCpu) {
  const totalMs = to.totalMs - from.totalMs;
  const mainMs = to.mainMs !== null && from.mainMs !== null ? to.mainMs - from.mainMs : null;
  const shardsMs = to.shardsMs !== null && from.shardsMs !== null ? to.shardsMs - from.shardsMs : null;
  const restMs = mainMs === null || shardsMs === null ? null : totalMs - mainMs - shardsMs;
  return { totalMs, mainMs, shardsMs, restMs };
}

/** CPU of one thread of this process so far, ms; null off Linux or when the thread is gone. */
function taskMs(tid: number): number | null {
  try {
    if (!readdirSync('/proc/self/task').includes(String(tid))) return null;
    return statFields(`/proc/self/task/${tid}/stat`)?.cpuMs ?? null;
  } catch {
    return null;
  }
}

/**
 * A /proc stat file's CPU, ms: own (utime + stime, fields 14–15) and that of reaped children (cutime +
 * cstime, 16–17); its parent pid (field 4). Null when the file is gone (the process ended).
 */
function statFields(path: string): { cpuMs: number; childrenMs: number; ppid: number } | null {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const [ppid = NaN, utime = NaN, stime = NaN, cutime = NaN, cstime = NaN] = [f[1], f[11], f[12], f[13], f[14]];
  if (![ppid, utime, stime, cutime, cstime].every(Number.isFinite)) return null;
  return { cpuMs: ((utime + stime) * 1000) / USER_HZ, childrenMs: ((cutime + cstime) * 1000) / USER_HZ, ppid };
}

/**
 * CPU used so far by another process, ms (Linux /proc, 10 ms resolution): all its threads, and its
 * main thread alone (for a Node server: the event loop, without libuv's pool where argon2 runs).
 * Null where /proc is not there or the process is gone.
 */
export function processCpu(pid: number): { totalMs: number; mainMs: number | null } | null {
  const all = statFields(`/proc/${pid}/stat`);
  if (!all) return null;
  return { totalMs: all.cpuMs, mainMs: statFields(`/proc/${pid}/task/${pid}/stat`)?.cpuMs ?? null };
}

/**
 * CPU used so far by a process and its children, ms: the live ones from /proc and the ended ones
 * through the parent's cutime/cstime. For PostgreSQL's postmaster, whose backends are children.
 */
export function processTreeCpuMs(rootPid: number): number | null {
  const root = statFields(`/proc/${rootPid}/stat`);
  if (!root) return null;
  let total = root.cpuMs + root.childrenMs;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || entry === String(rootPid)) continue;
    const child = statFields(`/proc/${entry}/stat`);
    if (child?.ppid === rootPid) total += child.cpuMs + child.childrenMs;
  }
  return total;
}
