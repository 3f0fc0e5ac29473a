import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryDirectory, createHandler } from '../../../examples/identity-webhook-receiver.mjs';
import { createWebhookProvider } from './webhook-provider';

const SECRET = crypto.randomBytes(32).toString('hex');
const SCRIPT = path.resolve(import.meta.dirname, '../../../examples/identity-webhook-receiver.mjs');
const ACCOUNT = {
  id: 'u-9',
  email: 'hana@example.com',
  phone: '090-1234-5678',
  lang: 'ja',
  name: '佐藤 花',
  privileged: false,
  factors: [{ id: 'f', type: 'totp' }],
};

describe('the example receiver', () => {
  let child: ChildProcess | null = null;
  let server: http.Server | null = null;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    child = null;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
      server = null;
    }
  });

  it('runs as a script: `node examples/identity-webhook-receiver.mjs` with a directory file answers aizuchi, and stops on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-receiver-'));
    const file = path.join(dir, 'accounts.json');
    fs.writeFileSync(file, JSON.stringify([ACCOUNT]));
    child = spawn(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, AIZUCHI_IDENTITY_WEBHOOK_SECRET: SECRET, PORT: '0', DIRECTORY_FILE: file },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (c: Buffer) => {
        out += String(c);
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
    });
    const provider = createWebhookProvider({ url, secret: SECRET, http: { clock: { now: () => new Date() } } });
    expect(await provider.getContact('u-9')).toMatchObject({ email: 'hana@example.com', phoneE164: '+819012345678', lang: 'ja' });
    expect(await provider.listMfaFactors('u-9')).toEqual([{ id: 'f', type: 'totp' }]);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a delivery refused as a replay (409) is sent again under a new id', async () => {
    const handle = createHandler({ secret: SECRET, directory: new InMemoryDirectory([ACCOUNT]) });
    const ids: string[] = [];
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        ids.push(String(req.headers['aizuchi-request-id']));
        // The first delivery is answered as if the id had been seen (a duplicated delivery upstream).
        const reply = ids.length === 1 ? { status: 409, headers: {}, body: '' } : handle(req.method ?? '', req.headers, body);
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const sleeps: number[] = [];
    const provider = createWebhookProvider({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      secret: SECRET,
      http: { clock: { now: () => new Date() } },
      retry: { sleep: async (ms) => void sleeps.push(ms) },
    });
    await provider.removeMfaFactors('u-9');
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(sleeps).toHaveLength(1);
  });
});
