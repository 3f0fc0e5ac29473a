import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/demo/seed';
import { runCli, spawnCli } from '../e2e/support/run-cli';
import { freePort } from '../e2e/support/test-server';

/** What a README reader sees: `aizuchi serve` with the demo on, and a second start by mistake. */
describe('aizuchi serve (demo)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let port: number;
  let catcherPort: number;
  let metricsPort: number;
  let server: ChildProcess | undefined;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-serve-'));
    port = await freePort();
    catcherPort = await freePort();
    metricsPort = await freePort();
    env = {
      AIZUCHI_DEMO: 'true',
      PORT: String(port),
      AIZUCHI_MAIL_CATCHER_PORT: String(catcherPort),
      AIZUCHI_METRICS_PORT: String(metricsPort),
      AIZUCHI_DATA_DIR: dataDir,
    };
    server = spawnCli(['serve'], env);
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
    exited = new Promise((resolve) => server!.once('exit', (code) => resolve(code)));
    // Wait (not a timed assertion) until the banner is complete, or the process gave up.
    const ready = new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.includes('operator console') && output.includes(DEMO_ACCOUNTS.operator.email)) resolve();
      };
      server!.stdout!.on('data', check);
      void exited.then((code) => reject(new Error(`serve exited with ${code}: ${output}`)));
    });
    await ready;
  }, 240_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints where everything is and the demo accounts, and serves', async () => {
    const url = `http://localhost:${port}`;
    for (const line of [
      `aizuchi is running at ${url}`,
      `${url}/signin`,
      `${url}/recover`,
      `${url}/console`,
      `${url}/dev/mail  (SMTP catcher on 127.0.0.1:${catcherPort})`,
      `${url}/healthz`,
      `metrics:           http://127.0.0.1:${metricsPort}/metrics`,
      `data:              ${dataDir}`,
      `recovery policy:   standard (needs password + phone_possession + mailbox_possession; AIZUCHI_POLICY)`,
      `customer ${DEMO_ACCOUNTS.customer.email}`,
      `operator ${DEMO_ACCOUNTS.operator.email} (MFA on)`,
      `passwords and authenticator URIs: ${path.join(dataDir, 'demo-credentials.txt')}`,
    ]) {
      expect(output).toContain(line);
    }
    // Issue 7, finding 7: no password or TOTP secret in the banner; they are in an owner-only file.
    for (const secret of [DEMO_ACCOUNTS.customer.password, DEMO_ACCOUNTS.operator.password, 'otpauth://', 'secret='])
      expect(output).not.toContain(secret);
    const file = path.join(dataDir, 'demo-credentials.txt');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secrets = fs.readFileSync(file, 'utf8');
    expect(secrets).toContain(DEMO_ACCOUNTS.operator.password);
    // Both demo accounts have an authenticator: operators cannot sign in without one (finding 1).
    expect(secrets.match(/otpauth:\/\/totp\/\S+secret=[A-Z2-7]+/g)).toHaveLength(2);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // The demo operator can sign in (the seeded password works against the running server).
    const signin = await fetch(`${url}/signin?lang=en`);
    expect(signin.status).toBe(200);
  });

  it('a second start while the first runs fails with one clear line, no stack trace', { timeout: 240_000 }, async () => {
    const otherDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-serve2-'));
    const [bothTaken, httpTaken] = await Promise.all([
      runCli(['serve'], env),
      runCli(['serve'], { ...env, AIZUCHI_MAIL_CATCHER_PORT: String(await freePort()), AIZUCHI_DATA_DIR: otherDataDir }),
    ]);
    fs.rmSync(otherDataDir, { recursive: true, force: true });
    for (const r of [bothTaken, httpTaken]) {
      expect(r.code).toBe(1);
      // No banner; stdout holds only the server's own info log lines (serve logs at info, finding 8).
      expect(r.stdout).not.toContain('aizuchi is running');
      for (const line of r.stdout.split('\n').filter(Boolean)) expect((JSON.parse(line) as { level: number }).level).toBeLessThan(40);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(bothTaken.stderr).toBe(
      `aizuchi: mail catcher port ${catcherPort} is already in use (is aizuchi already running?); set AIZUCHI_MAIL_CATCHER_PORT to another port\n`,
    );
    expect(httpTaken.stderr).toBe(
      `aizuchi: port ${port} on 127.0.0.1 is already in use (is aizuchi already running?); set PORT to another port\n`,
    );
    // The first server is unharmed.
    expect((await fetch(`http://localhost:${port}/healthz`)).status).toBe(200);
  });

  it('stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
    server!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
