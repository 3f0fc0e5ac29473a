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
    return statFields(`/proc/self/task/${process.pid}/stat`)?.cpuMs ?? null;
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
