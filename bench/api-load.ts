import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { REPO_ROOT, spawnCli } from '../test/e2e/support/run-cli';
import { freePort } from '../test/e2e/support/test-server';
import { percentile, round } from './stats';
import { processCpu, processTreeCpuMs } from './thread-cpu';

/** One step of the API ramp: `connections` clients kept busy against every process for `seconds`. */
export interface ApiLevel {
  connections: number;
  requestsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  /** Answers other than 202 (a 429 would mean a rate limit got in the way), and socket errors/timeouts. */
  non2xx: number;
  errors: number;
  /**
   * CPU of the serve processes per answered request, ms (all threads, /proc; null off Linux): it does
   * not grow with the machine's load as response times do, so it compares runs on a busy box.
   */
  serverCpuMsPerRequest: number | null;
  /** The part on the processes' main threads (the event loop); the rest is mostly argon2 in libuv's pool. */
  mainThreadCpuMsPerRequest: number | null;
  /** PostgreSQL's own CPU per request, ms (every backend); null on SQLite. */
  postgresCpuMsPerRequest: number | null;
  passed: boolean;
}

export interface ApiLoadResult {
  processes: number;
  database: 'postgresql' | 'sqlite';
  /** /healthz p50 at 4 connections: what any answer costs here (HTTP, Fastify, loopback). */
  healthzP50Ms: number;
  /** AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: every recovery answer waits at least this long (timing privacy). */
  recoveryFloorMs: number;
  /** The pass bound: p95 < floor + healthz p50 + 100 ms. */
  p95LimitMs: number;
  /** Highest requests/s of a passing level (0 if none passed). */
  requestsPerSec: number;
  loadAverageAtStart: number[];
  ramp: ApiLevel[];
}

const RECOVERY_FLOOR_MS = 400; // the default of AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS, kept as deployed

/**
 * `npm run bench -- --api [--processes N] [--quick]`: the recovery API (POST /api/v1/recovery-requests,
 * JSON, with a password so the argon2 check runs, every request a different address and number, as
 * different customers send them) against N `aizuchi serve --roles web` processes on loopback. N = 1
 * runs on SQLite; N > 1 on a PostgreSQL of its own (scripts/postgres-for-tests.sh), all on one data
 * dir. The per-IP and global recovery limits are raised for the run (every request comes from
 * 127.0.0.1), the per-account and per-number ones stay as deployed (each request is a new one).
 * Connections climb until p95 goes over floor + healthz p50 + 100 ms. Everything is stopped at the end.
 */
export async function benchApi(opts: { processes: number; quick: boolean; log: (line: string) => void }): Promise<ApiLoadResult> {
  const loadAverageAtStart = loadavg().map((l) => round(l, 2));
  const dataDir = mkdtempSync(join(tmpdir(), 'aizuchi-bench-api-'));
  const pgDir = opts.processes > 1 ? mkdtempSync(join(tmpdir(), 'aizuchi-bench-pg-')) : null;
  const servers: ChildProcess[] = [];
  try {
    const env: Record<string, string> = {
      AIZUCHI_DATA_DIR: dataDir,
      AIZUCHI_ROLES: 'web',
      AIZUCHI_LOG_LEVEL: 'warn',
      AIZUCHI_LIMIT_REQUESTS_PER_IP_PER_HOUR: '100000000',
      AIZUCHI_LIMIT_REQUESTS_GLOBAL_PER_HOUR: '100000000',
      AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: String(RECOVERY_FLOOR_MS),
    };
    if (pgDir) env.AIZUCHI_DATABASE_URL = startPostgres(pgDir);
    const urls: string[] = [];
    for (let i = 0; i < opts.processes; i++) {
      // The first process creates the schema and the data dir's keys; the others start on them.
      const port = await freePort();
      const server = spawnCli(['serve'], {
        ...env,
        PORT: String(port),
        AIZUCHI_MAIL_CATCHER_PORT: String(await freePort()),
        AIZUCHI_METRICS_PORT: String(await freePort()),
      });
      servers.push(server);
      server.stdout?.resume();
      server.stderr?.resume();
      urls.push(`http://127.0.0.1:${port}`);
      await waitReady(urls[i] as string, server);
    }
    opts.log(`  ${opts.processes} process(es) on ${pgDir ? 'PostgreSQL' : 'SQLite'} ready`);
    const seconds = opts.quick ? 3 : 8;
    const healthz = await drive(urls, 4, seconds, () => ({ method: 'GET', path: '/healthz' }));
    const healthzP50Ms = round(percentile(healthz.latencies, 50), 1);
    const p95LimitMs = round(RECOVERY_FLOOR_MS + healthzP50Ms + 100, 1);
    opts.log(`  /healthz p50 ${healthzP50Ms} ms → pass rule: recovery p95 < ${p95LimitMs} ms, no errors, no 429`);
    let n = 0;
    const recovery = () => {
      n++;
      const body = {
        email: `bench-${process.pid}-${n}@example.com`,
        password: 'not-the-password',
        phone: `090-${String(1000 + (n % 9000)).padStart(4, '0')}-${String(Math.floor(n / 9000) % 10000).padStart(4, '0')}`,
        lang: n % 2 === 0 ? 'ja' : 'en',
        consent: true,
      };
      return {
        method: 'POST' as const,
        path: '/api/v1/recovery-requests',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
    };
    // Unrecorded warm-up: the first requests compile code and fill caches, which a short level's CPU
    // per request would otherwise carry.
    await drive(urls, 4, opts.quick ? 2 : 4, recovery);
    const ramp: ApiLevel[] = [];
    const postmasterPid = pgDir ? Number(readFileSync(join(pgDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]) : null;
    const cpu = () => cpuNow(servers, postmasterPid);
    for (const connections of opts.quick ? [4, 16, 64] : [4, 8, 16, 32, 64, 128, 256]) {
      const before = cpu();
      const r = await drive(urls, connections, seconds, recovery);
      const perRequest = cpuPerRequest(before, cpu(), r.latencies.length);
      const p95Ms = round(percentile(r.latencies, 95), 1);
      const level: ApiLevel = {
        connections,
        requestsPerSec: round(r.latencies.length / seconds, 1),
        p50Ms: round(percentile(r.latencies, 50), 1),
        p95Ms,
        non2xx: r.non2xx,
        errors: r.errors,
        ...perRequest,
        passed: p95Ms < p95LimitMs && r.non2xx === 0 && r.errors === 0,
      };
      ramp.push(level);
      opts.log(
        `  ${connections} connections: ${level.requestsPerSec} req/s, p50 ${level.p50Ms} ms, p95 ${p95Ms} ms, non-202 ${r.non2xx}, errors ${r.errors}, cpu/request ${cpuText(level)} → ${level.passed ? 'ok' : 'FAIL'}`,
      );
      if (!level.passed) break;
    }
    const best = ramp.filter((l) => l.passed).pop();
    return {
      processes: opts.processes,
      database: pgDir ? 'postgresql' : 'sqlite',
      healthzP50Ms,
      recoveryFloorMs: RECOVERY_FLOOR_MS,
      p95LimitMs,
      requestsPerSec: best?.requestsPerSec ?? 0,
      loadAverageAtStart,
      ramp,
    };
  } finally {
    await Promise.all(servers.map(stop));
    if (pgDir) execFileSync('bash', ['scripts/postgres-for-tests.sh', 'stop', pgDir], { cwd: REPO_ROOT, stdio: 'ignore' });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

type CpuSample = { server: number | null; main: number | null; postgres: number | null };

/** CPU so far, ms: the serve processes (all threads, and main threads) and PostgreSQL's process tree. */
function cpuNow(servers: ChildProcess[], postmasterPid: number | null): CpuSample {
  const each = servers.map((s) => (s.pid === undefined ? null : processCpu(s.pid)));
  const sum = (values: (number | null | undefined)[]) =>
    values.every((v) => typeof v === 'number') ? values.reduce((a, b) => a + b, 0) : null;
  return {
    server: sum(each.map((c) => c?.totalMs)),
    main: sum(each.map((c) => c?.mainMs)),
    postgres: postmasterPid === null ? null : processTreeCpuMs(postmasterPid),
  };
}

function cpuPerRequest(before: CpuSample, after: CpuSample, requests: number) {
  const per = (a: number | null, b: number | null) => (a === null || b === null || requests === 0 ? null : round((b - a) / requests, 2));
  return {
    serverCpuMsPerRequest: per(before.server, after.server),
    mainThreadCpuMsPerRequest: per(before.main, after.main),
    postgresCpuMsPerRequest: per(before.postgres, after.postgres),
  };
}

function cpuText(level: ApiLevel): string {
  if (level.serverCpuMsPerRequest === null) return 'n/a';
  const main = level.mainThreadCpuMsPerRequest === null ? '' : ` (main thread ${level.mainThreadCpuMsPerRequest})`;
  const pg = level.postgresCpuMsPerRequest === null ? '' : ` + PostgreSQL ${level.postgresCpuMsPerRequest}`;
  return `${level.serverCpuMsPerRequest} ms${main}${pg}`;
}

function startPostgres(dir: string): string {
  const out = execFileSync('bash', ['scripts/postgres-for-tests.sh', 'start', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  const url = /AIZUCHI_TEST_POSTGRES_URL=(\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`postgres-for-tests.sh printed no URL: ${out}`);
  return url;
}

/** Polls /readyz until it answers 200 (the process has migrated and listens), or the process exits. */
async function waitReady(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`aizuchi serve exited with ${server.exitCode} before it was ready`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`aizuchi serve at ${url} not ready within 180 s`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * `connections` in all (shared among the processes) for `seconds`, one autocannon run per process at once; every response
 * time is kept (autocannon's own summary has no p95).
 */
async function drive(
  urls: string[],
  connections: number,
  seconds: number,
  request: () => { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ latencies: number[]; non2xx: number; errors: number }> {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  await Promise.all(
    urls.map(
      (url) =>
        new Promise<void>((resolve, reject) => {
          const instance = autocannon(
            {
              url,
              connections: Math.max(1, Math.round(connections / urls.length)),
              duration: seconds,
              timeout: 10,
              requests: [{ setupRequest: (req) => ({ ...req, ...request() }) }],
            },
            (error) => (error ? reject(error) : resolve()),
          );
          instance.on('response', (_client, statusCode, _bytes, responseTime) => {
            latencies.push(responseTime);
            if (statusCode < 200 || statusCode >= 300) non2xx++;
          });
          instance.on('reqError', () => errors++);
        }),
    ),
  );
  return { latencies, non2xx, errors };
}
