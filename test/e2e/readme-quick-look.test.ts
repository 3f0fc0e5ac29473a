import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './support/run-cli';
import { freePort } from './support/test-server';

/**
 * The README's quick look and "Talking to the agent in a terminal", as written, with real
 * processes: `aizuchi serve` under AIZUCHI_CALLBACK_LEAD_SEC=0 and all-day hours (the case goes
 * straight to `calling`: the softphone rings), then `aizuchi cases call-now ID --channel text
 * --json` and `aizuchi chat ID`, which take over that unanswered ring (issue 13).
 */
const DEMO = { email: 'matty@gmail.com', password: 'correct horse battery', phone: '090-1234-5678' };

let dataDir: string;
let serve: ChildProcess;
let baseUrl: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-quick-look-'));
  const port = await freePort();
  env = {
    // What scripts/start.sh sets, plus the README's two quick-look variables.
    AIZUCHI_DEMO: 'true',
    AIZUCHI_POLICY: 'mailbox',
    AIZUCHI_CALLBACK_LEAD_SEC: '0',
    AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
    // The test's own isolation: a free port, a temp data dir, no fixed side ports, no holiday closing.
    PORT: String(port),
    AIZUCHI_DATA_DIR: dataDir,
    AIZUCHI_MAIL_CATCHER_PORT: '0',
    AIZUCHI_METRICS_PORT: '0',
    AIZUCHI_JAPANESE_HOLIDAYS: 'false',
    AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
    AIZUCHI_LOG_LEVEL: 'warn',
  };
  serve = spawnCli(['serve'], env);
  let out = '';
  baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 180_000);
    serve.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /aizuchi is running at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    serve.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}, 200_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((r) => serve.once('exit', r));
    serve.kill('SIGTERM');
    await exited;
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function caseOf(email: string): Promise<{ id: string; state: string }> {
  const res = await runCli(['cases', 'list', '--email', email, '--json'], { ...env, AIZUCHI_URL: baseUrl });
  expect(res).toMatchObject({ code: 0, stderr: '' });
  const [row] = (JSON.parse(res.stdout) as { items: Array<{ id: string; state: string }> }).items;
  if (!row) throw new Error('no case yet');
  return row;
}

/** Frames from the call until `end`, hanging up after the agent's first prompt. */
async function talk(url: string): Promise<Array<{ type: string; kind?: string; outcome?: string }>> {
  const ws = new WebSocket(url);
  const frames: Array<{ type: string; kind?: string; outcome?: string }> = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { type: string; kind?: string };
      frames.push(f);
      if (f.type === 'agent' && f.kind === 'prompt' && !frames.some((x) => x.type === 'hangup-sent')) {
        frames.push({ type: 'hangup-sent' });
        ws.send(JSON.stringify({ type: 'hangup' }));
      }
    });
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
  return frames.filter((f) => f.type !== 'hangup-sent');
}

describe("the README's quick look and terminal commands, as written", () => {
  it(
    'a request rings at once; call-now --channel text takes the unanswered ring over; chat works after it',
    { timeout: 300_000 },
    async () => {
      const res = await fetch(`${baseUrl}/api/v1/recovery-requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: DEMO.email, password: DEMO.password, phone: DEMO.phone, lang: 'ja', consent: true }),
      });
      expect(res.status).toBe(202);

      // Lead 0 and all-day hours: the callback job rings the softphone right away.
      let row = await caseOf(DEMO.email).catch(() => null);
      for (let i = 0; i < 120 && row?.state !== 'calling'; i++) {
        await new Promise((r) => setTimeout(r, 500));
        row = await caseOf(DEMO.email).catch(() => null);
      }
      expect(row?.state).toBe('calling');
      const caseId = row!.id;

      // npx aizuchi cases call-now CASE_ID --channel text --json   # → {"url":"ws://…"} single-use
      const callNow = await runCli(['cases', 'call-now', caseId, '--channel', 'text', '--json'], { ...env, AIZUCHI_URL: baseUrl });
      expect(callNow).toMatchObject({ code: 0, stderr: '' });
      const { url } = JSON.parse(callNow.stdout) as { url: string };
      expect(url).toMatch(/^ws:\/\/.+\/api\/v1\/calls\/text\?token=/);
      const frames = await talk(url);
      expect(frames.some((f) => f.type === 'agent' && f.kind === 'prompt')).toBe(true);
      expect(frames.at(-1)).toMatchObject({ type: 'end' });

      // npx aizuchi chat CASE_ID   # a terminal client; /dtmf 1234, /hangup
      const chat = spawnCli(['chat', caseId], { ...env, AIZUCHI_URL: baseUrl }, { stdin: 'pipe' });
      let out = '';
      chat.stdin?.on('error', () => undefined);
      const exit = new Promise<number | null>((resolve) => chat.once('close', resolve));
      chat.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/^agent: /m.test(out) && !out.includes('/hangup sent')) {
          out += '/hangup sent\n';
          chat.stdin!.end('/hangup\n');
        }
      });
      let stderr = '';
      chat.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      expect(await exit).toBe(0);
      expect(stderr).toBe('');
      expect(out).toMatch(/^agent: /m);
      expect(out).toMatch(/\[call ended: \w+\]/);
    },
  );
});
