import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from './support/chromium';
import { type TempPostgresDatabase, TEST_POSTGRES_URL, createPostgresDatabase } from './support/databases';
import { runCli, spawnCli } from './support/run-cli';
import { codeFromMail, pressKeys, softphoneStats, waitFor, waitForAgentTurn, waitForSoftphoneState } from './support/softphone-page';
import { freePort } from './support/test-server';

/**
 * Issue 11's done-when: two `aizuchi serve` processes from the built CLI on one PostgreSQL — one
 * `--roles web`, one `--roles worker` — and the customer's story in Chromium. The request is made on
 * the web process; the due callback runs in the worker, whose dial rings the softphone page the web
 * process serves; the call runs on the web process (where the page's socket is) and ends with MFA
 * removed. Screenshots land in test-artifacts/two-process/.
 */

const SHOTS = fileURLToPath(new URL('../../test-artifacts/two-process/', import.meta.url));
const CUSTOMER = { email: 'matty@gmail.com', password: 'correct horse battery', name: '猪股', phone: '090-1234-5678' };

interface Serve {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function serve(roles: string, env: Record<string, string>, ready: (output: string) => boolean): Promise<Serve> {
  const child = spawnCli(['serve', '--roles', roles], env);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      if (ready(output)) resolve({ child, output: () => output, exited });
    });
    void exited.then((code) => reject(new Error(`serve --roles ${roles} exited with ${code}: ${output}`)));
  });
}

async function stopServe(s: Serve | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  s.child.kill('SIGTERM');
  await s.exited;
}

describe.runIf(Boolean(TEST_POSTGRES_URL))('the story on two processes (web + worker) on one PostgreSQL', () => {
  let db: TempPostgresDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  let url: string;
  let web: Serve | undefined;
  let worker: Serve | undefined;
  let b: TestBrowser;

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    db = await createPostgresDatabase(TEST_POSTGRES_URL!);
    // One data directory for both, as a shared volume: the master key that signs links is in it.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-two-process-'));
    const port = await freePort();
    url = `http://localhost:${port}`;
    env = {
      AIZUCHI_DATABASE_URL: db.url,
      AIZUCHI_DATA_DIR: dataDir,
      // The worker listens on neither; PORT gives it the public URL its mails link to.
      PORT: String(port),
      AIZUCHI_MAIL_CATCHER_PORT: String(await freePort()),
      AIZUCHI_POLICY: 'mailbox',
      AIZUCHI_CALLBACK_LEAD_SEC: '0',
      AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
      AIZUCHI_JAPANESE_HOLIDAYS: 'false',
      AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
      AIZUCHI_LOG_LEVEL: 'warn',
      // Stopping waits for calls in progress up to the drain time (25 s by default) in each process; none matter here.
      AIZUCHI_DRAIN_SEC: '2',
    };
    web = await serve('web', { ...env, AIZUCHI_METRICS_PORT: String(await freePort()) }, (o) => o.includes(`aizuchi is running at ${url}`));
    worker = await serve('worker', { ...env, AIZUCHI_METRICS_PORT: String(await freePort()) }, (o) =>
      o.includes('aizuchi is running without a web listener'),
    );
    const created = await runCli(
      [
        'accounts',
        'create',
        '--email',
        CUSTOMER.email,
        '--password',
        CUSTOMER.password,
        '--name',
        CUSTOMER.name,
        '--phone',
        CUSTOMER.phone,
        '--mfa',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    b = await launchChromium(SHOTS, ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
  }, 300_000);

  afterAll(async () => {
    await b?.close();
    await stopServe(worker);
    await stopServe(web);
    await db?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('request on the web process → the worker rings the page it serves → the call → MFA removed', { timeout: 420_000 }, async () => {
    expect(web!.output()).toContain('roles:             web (');
    expect(worker!.output()).toContain('roles:             worker (');
    const { page } = b;

    // The customer signs in, is asked for MFA, and asks for a callback instead.
    await page.goto(`${url}/signin?lang=ja`);
    await page.fill('input[name=email]', CUSTOMER.email);
    await page.fill('input[name=password]', CUSTOMER.password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/signin/mfa');
    await Promise.all([page.waitForNavigation(), page.click('#recover-link')]);
    await page.fill('input[name=phone]', CUSTOMER.phone);
    await page.check('input[name=consent]');
    await b.screenshot('callback-form');
    const [submitted] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(submitted?.status()).toBe(202);
    await b.screenshot('submitted');

    // The request mail (sent by the worker's mail job, caught by the web process) links the softphone.
    const link = await waitFor(
      'the request mail with the softphone link',
      async () => {
        const mails = (await (await fetch(`${url}/api/v1/dev/mail?to=${encodeURIComponent(CUSTOMER.email)}`)).json()) as Array<{
          subject: string;
          text: string;
        }>;
        const mail = mails.find((m) => /予約しました/.test(m.subject));
        return mail ? (/(https?:\/\/\S+\/call\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1] ?? null) : null;
      },
      60_000,
    );
    expect(link.startsWith(`${url}/call/`)).toBe(true);

    // Due now: the worker's callback job dials, and the page on the web process rings.
    await page.goto(link);
    await waitForSoftphoneState(page, 'ringing', 90_000);
    await b.screenshot('ringing');
    await page.click('#sp-answer');
    await waitForSoftphoneState(page, 'in_call', 30_000);

    const type = async (text: string) => {
      const state = await page.getAttribute('#softphone', 'data-state');
      if (state !== 'in_call') throw new Error(`the call is ${state}: ${await captions()} ${web!.output().slice(-3000)}`);
      await page.fill('#sp-text', text);
      await page.click('#sp-text-form button[type=submit]');
    };
    const captions = async () => (await page.locator('#sp-captions').textContent()) ?? '';
    const turn = (after: number, what: string) =>
      waitForAgentTurn(page, after, what).catch(async (err: unknown) => {
        throw new Error(`${(err as Error).message}; captions: ${await captions()}; web: ${web!.output().slice(-3000)}`);
      });
    let lines = await turn(0, 'greeting');
    expect(await captions()).toContain('ご本人様でいらっしゃいますか');
    await b.screenshot('greeting');
    await type('あ、そうです～～猪股です。');
    lines = await turn(lines, 'consent question');
    await type('大丈夫です');
    lines = await turn(lines, 'email question');
    await type('エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコムです');
    await turn(lines, 'code question');
    expect(await captions()).toContain('8桁');
    await b.screenshot('code-asked');

    await pressKeys(page, await codeFromMail(url, CUSTOMER.email));
    await waitForSoftphoneState(page, 'ended', 120_000);
    expect((await softphoneStats(page)).outcome).toBe('mfa_reset');
    expect(await captions()).toContain('MFAを解除');
    await b.screenshot('mfa-reset');

    // The database both processes share says the same: resolved, MFA off, one softphone call.
    const shown = await runCli(['accounts', 'show', '--email', CUSTOMER.email, '--json'], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
    const listed = await runCli(['cases', 'list', '--email', CUSTOMER.email, '--json'], env);
    expect((JSON.parse(listed.stdout) as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ state: 'resolved', outcome: 'mfa_reset' }),
    ]);
    // Both processes are still up: nothing was handed to a process that could not serve it.
    expect(web!.child.exitCode).toBeNull();
    expect(worker!.child.exitCode).toBeNull();
  });
});
