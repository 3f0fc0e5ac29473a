import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createBusinessCalendar } from '../../src/domain/calendar';
import { defaultSileroModelPath } from '../../src/media/vad/silero-vad';
import { REPO_ROOT, cliEnv, runCli } from '../e2e/support/run-cli';
import { freePort } from '../e2e/support/test-server';

const DIST = path.join(REPO_ROOT, 'dist');

/** Runs `node dist/cli.js …` directly: plain Node, no tsx, so only compiled JavaScript can run. */
function spawnDist(args: string[], settings: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
    cwd: REPO_ROOT,
    env: cliEnv(settings),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Issue 11 (a build people deploy): the package's bin builds dist/ when needed and runs it. */
describe('the compiled CLI (dist/)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-built-'));
    // The bin rebuilds dist/ when a source is newer than it, so this also brings dist/ up to date.
    const help = await runCli(['--help'], { AIZUCHI_DATA_DIR: dataDir });
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/serve\b.*\n[\s\S]*hours\b/u);
  }, 120_000);

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is complete and loads no TypeScript tooling at run time', () => {
    expect(fs.existsSync(path.join(DIST, '.build-stamp.json'))).toBe(true);
    const js = fs.readdirSync(DIST).filter((f) => f.endsWith('.js'));
    expect(js).toContain('cli.js');
    for (const file of js) expect(fs.readFileSync(path.join(DIST, file), 'utf8')).not.toMatch(/from ["']tsx|import\(["']tsx/u);
    // Assets the code finds next to itself: the softphone's browser files and the VAD worker's entry.
    expect(fs.existsSync(path.join(DIST, 'web/client/softphone/softphone.js'))).toBe(true);
    // Every worker entry of src/ has a compiled twin that loads a worker file which exists.
    const entries = (fs.readdirSync(path.join(REPO_ROOT, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('-entry.mjs'));
    expect(entries).toContain(path.join('calls', 'voice', 'silero-batch-worker-entry.mjs'));
    for (const entry of entries) {
      const built = fs.readFileSync(path.join(DIST, entry), 'utf8');
      expect(built).not.toContain('tsx/esm');
      const target = /await import\('([^']+)'\)/u.exec(built)?.[1];
      expect(target, entry).toMatch(/\.js$/u);
      expect(fs.existsSync(path.resolve(DIST, path.dirname(entry), target!)), entry).toBe(true);
    }
  });

  it("starts the VAD worker from dist/'s own entry", async () => {
    const worker = new Worker(path.join(DIST, 'calls/voice/silero-batch-worker-entry.mjs'), {
      workerData: { modelPath: defaultSileroModelPath(), intraOpNumThreads: 1 },
    });
    try {
      const first = await new Promise<{ type: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(first.type).toBe('ready');
    } finally {
      await worker.terminate();
    }
  }, 60_000);

  it('answers `hours next` as the sources do', async () => {
    const from = '2026-11-28T10:00:00+09:00'; // a Saturday
    const expected = createBusinessCalendar(loadConfig({}).calendar).nextOpen(new Date(from));
    const viaBin = await runCli(['hours', 'next', '--from', from], { AIZUCHI_DATA_DIR: dataDir });
    const viaDist = await collect(spawnDist(['hours', 'next', '--from', from], { AIZUCHI_DATA_DIR: dataDir }));
    for (const r of [viaBin, viaDist]) {
      // Nothing saved yet: the environment's hours, and stderr says why (cli-hours-settings.test.ts covers saved ones).
      expect(r.stderr).toMatch(/^aizuchi: no database at .+ yet: the business hours are the environment's\n$/u);
      expect(r.code).toBe(0);
      expect(new Date(r.stdout.trim()).getTime()).toBe(expected.getTime());
    }
  });

  it('serves from dist/: /healthz answers, SIGTERM exits 0', async () => {
    const [port, catcherPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    const server = spawnDist(['serve'], {
      PORT: String(port),
      AIZUCHI_MAIL_CATCHER_PORT: String(catcherPort),
      AIZUCHI_METRICS_PORT: String(metricsPort),
      AIZUCHI_DATA_DIR: dataDir,
    });
    let output = '';
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout!.on('data', () => output.includes('aizuchi is running at') && resolve());
        void exited.then((code) => reject(new Error(`serve exited with ${code}: ${output}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      // The softphone's browser files, read from dist/web/client/softphone/.
      const asset = await fetch(`http://127.0.0.1:${port}/softphone/assets/softphone.js`);
      expect(asset.status).toBe(200);
      expect(await asset.text()).toBe(fs.readFileSync(path.join(REPO_ROOT, 'src/web/client/softphone/softphone.js'), 'utf8'));
    } finally {
      if (server.exitCode === null) server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 120_000);
});
