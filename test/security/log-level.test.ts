import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../e2e/support/run-cli';
import { freePort } from '../e2e/support/test-server';

/**
 * Issue 7, finding 8: `aizuchi serve` logged at warn (the log level was chosen before the flag
 * saying "this is the server" was set), so request lines and "mfa reset completed" — both info —
 * never appeared. Run as a user would, with AIZUCHI_LOG_LEVEL unset (default info).
 */
describe('aizuchi serve logs at the default level (info)', () => {
  let dataDir: string;
  let port: number;
  let server: ChildProcess;
  let stdout = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-loglevel-'));
    port = await freePort();
    const env = {
      PORT: String(port),
      AIZUCHI_MAIL_CATCHER_PORT: String(await freePort()),
      AIZUCHI_METRICS_PORT: String(await freePort()),
      AIZUCHI_DATA_DIR: dataDir,
    };
    server = spawnCli(['serve'], env);
    let stderr = '';
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    exited = new Promise((resolve) => server.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', () => stdout.includes('aizuchi is running at') && resolve());
      void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
  }, 240_000);

  afterAll(async () => {
    if (server?.exitCode === null) {
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes an info request line for a request', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz?probe=1`)).status).toBe(200);
    const requestLine = () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; msg: string; req?: { path?: string } })
        .find((l) => l.msg === 'request completed' || (l.msg === 'incoming request' && l.req?.path === '/healthz'));
    for (let i = 0; i < 50 && !requestLine(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(requestLine()).toMatchObject({ level: 30 });
  });
});
