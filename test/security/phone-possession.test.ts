import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConnectedCall } from '../../src/calls/call-service';
import type { Dialer } from '../../src/cases/callback-job';
import { loadConfig } from '../../src/config';
import { type RunningServer, type Services, createServices, startServer } from '../../src/main';
import { type Softphone, createSoftphone } from '../../src/telephony/softphone';
import { softphonePlugin } from '../../src/web/plugins/softphone';
import {
  captureLogs,
  type Customer,
  type TestServer,
  TextCaller,
  callNow,
  customerWithRequest,
  ending,
  readCode,
  startTestServer,
} from '../e2e/text-call-harness';

// Issue 7, finding 3: "a call to the number on record is never proven". Knowing the password and
// reading the mailbox (the code, and the softphone link mailed to the same inbox) must not reset
// MFA under the default policy: neither a softphone reached through the mailed link nor a text
// call link is aizuchi ringing the number on record. Only `mailbox` accepts password + code.

const JA_LINES = ['はい、そうです', 'はい、大丈夫です', 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム'];

async function decisionOf(services: Services, caseId: string): Promise<{ decision: string; reasons?: string[]; policy: string }> {
  const event = (await services.cases.history(caseId)).find((e) => e.kind === 'reset_decision');
  return JSON.parse(event!.data) as { decision: string; reasons?: string[]; policy: string };
}

describe('text call link: password + mailed code (red team, finding 3)', () => {
  let t: TestServer | null = null;
  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  async function callWithPasswordAndCode(policy: Record<string, string>, c: Customer) {
    t = await startTestServer(policy);
    const { accountId, caseId } = await customerWithRequest(t, c, { withPassword: true });
    const call = await TextCaller.connect(await callNow(t, caseId));
    await call.turn();
    for (const line of JA_LINES) await call.say(line);
    const end = await call.dtmf(await readCode(t, c.email));
    return { accountId, caseId, outcome: ending(end), services: t.services };
  }

  it('standard (the default): the call ends escalated, MFA stays, the reason names phone possession', async () => {
    const r = await callWithPasswordAndCode(
      {},
      { email: 'matty@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5601', lang: 'ja' },
    );
    expect(r.outcome).toBe('escalated');
    expect(await r.services.identity.getAccount(r.accountId)).toMatchObject({ mfaEnabled: true, mfaEnrollRequired: false });
    expect(await r.services.cases.require(r.caseId)).toMatchObject({ state: 'escalated' });
    expect(await decisionOf(r.services, r.caseId)).toMatchObject({
      policy: 'standard',
      decision: 'needs_person',
      reasons: ['missing_phone_possession'],
    });
    const [call] = await r.services.calls.callsForCase(r.caseId);
    expect(call!.call.proves_phone_possession).toBe(0);
  });

  it('strict: the same call goes to a person too (no cooling-off is even scheduled)', async () => {
    const r = await callWithPasswordAndCode(
      { AIZUCHI_POLICY: 'strict' },
      { email: 'matty@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5602', lang: 'ja' },
    );
    expect(r.outcome).toBe('escalated');
    expect(await decisionOf(r.services, r.caseId)).toMatchObject({ policy: 'strict', reasons: ['missing_phone_possession'] });
  });

  it('mailbox: the same call resets, as NIST recovery with a remaining authenticator and an emailed code', async () => {
    const r = await callWithPasswordAndCode(
      { AIZUCHI_POLICY: 'mailbox' },
      { email: 'matty@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5603', lang: 'ja' },
    );
    expect(r.outcome).toBe('mfa_reset');
    expect(await r.services.identity.getAccount(r.accountId)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
  });

  it('boot warns once that every case will go to a person when the policy needs phone possession and no dialer proves it', async () => {
    const logs: string[] = [];
    t = await startTestServer({}, undefined, logs);
    const warning = logs
      .map((l) => JSON.parse(l) as { level: number; msg: string; policy?: string; unreachableProofs?: string[] })
      .filter((l) => /every case will go to a person/.test(l.msg));
    expect(warning).toEqual([expect.objectContaining({ level: 40, policy: 'standard', unreachableProofs: ['phone_possession'] })]);
    await t.stop();
    const quiet: string[] = [];
    t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' }, undefined, quiet);
    expect(quiet.join('\n')).not.toMatch(/every case will go to a person/);
  });

  it('the boot warning follows the policy an admin saved in /console/settings, not AIZUCHI_POLICY', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-saved-policy-'));
    try {
      const warnings = (logs: string[]) =>
        logs
          .map((l) => JSON.parse(l) as { msg: string; policy?: string; policySource?: string })
          .filter((l) => /every case will go to a person/.test(l.msg));
      // The environment says mailbox; an admin saves standard, which the softphone cannot satisfy.
      t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' }, dataDir);
      await t.services.settings.save({ ...t.services.settings.current().settings, policy: 'standard' }, 'admin-under-test');
      await t.stop();
      const saved: string[] = [];
      t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' }, dataDir, saved);
      expect(warnings(saved)).toEqual([expect.objectContaining({ policy: 'standard', policySource: 'console_settings' })]);
      // And the other way: the environment's standard would warn, the saved mailbox is in force.
      await t.services.settings.save({ ...t.services.settings.current().settings, policy: 'mailbox' }, 'admin-under-test');
      await t.stop();
      const quiet: string[] = [];
      t = await startTestServer({ AIZUCHI_POLICY: 'standard' }, dataDir, quiet);
      expect(warnings(quiet)).toEqual([]);
    } finally {
      await t?.stop();
      t = null;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** A softphone page at the WebSocket level: rings, answers, types and keys like the page's text box and keypad. */
class SoftphonePage {
  private readonly messages: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string): Promise<SoftphonePage> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const page = new SoftphonePage(ws);
      ws.once('open', () => resolve(page));
      ws.once('error', reject);
    });
  }

  /** Waits for the n-th (1-based) message matching `match`. */
  async waitFor(match: (m: Record<string, unknown>) => boolean, n = 1, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter(match);
      if (found.length >= n) return found[n - 1]!;
      if (Date.now() > until) throw new Error(`softphone: no message after ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }
}

describe('softphone reached through the mailed link: password + mailed code (red team, finding 3)', () => {
  let running: { server: RunningServer; services: Services; dataDir: string } | null = null;
  afterEach(async () => {
    await running?.server.stop();
    if (running) fs.rmSync(running.dataDir, { recursive: true, force: true });
    running = null;
  });

  /** The real composition root with a captioned (text) softphone, so no speech engines are needed. */
  async function start(env: Record<string, string>) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-possession-'));
    const config = loadConfig({
      PORT: '0',
      AIZUCHI_MAIL_CATCHER_PORT: '0',
      AIZUCHI_METRICS_PORT: '0',
      AIZUCHI_DATA_DIR: dataDir,
      AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
      AIZUCHI_CALLBACK_LEAD_SEC: '0',
      AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
      AIZUCHI_JAPANESE_HOLIDAYS: 'false',
      ...env,
    });
    let softphone: Softphone | null = null;
    // The production softphone dialer, reached once both exist.
    const dialer: Dialer = { provesPhonePossession: false, dial: (trx, caseId, attempt) => softphone!.dialer.dial(trx, caseId, attempt) };
    const services = await createServices(config, { dialer, withSoftphone: false, logger: captureLogs([]) });
    softphone = createSoftphone<ConnectedCall>({
      store: services.store,
      clock: services.clock,
      tokenKey: services.keys.tokenHmac,
      cases: services.cases,
      calls: services.calls,
    });
    const plugin = softphonePlugin({
      db: services.store.db,
      links: softphone.links,
      calls: softphone.calls,
      hub: softphone.hub,
      pollIntervalMs: 200,
      startSession: softphone.startSession,
    });
    const server = await startServer(services, [plugin]);
    running = { server, services, dataDir };
    return { ...running, softphone };
  }

  async function takeTheCall(env: Record<string, string>, c: Customer) {
    const { server, services, softphone } = await start(env);
    const { account } = await services.identity.createAccount({ ...c, mfa: true });
    const res = await fetch(`${server.url}/api/v1/recovery-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: c.email, password: c.password, phone: c.phone, lang: c.lang, consent: true }),
    });
    expect(res.status).toBe(202);
    const t = { server } as unknown as TestServer;
    const [caseRow] = await services.cases.list({ email: c.email });
    // The link the request mail carries (the default wiring mails exactly this): whoever reads the mailbox has it.
    const token = await services.cases.inTransaction((trx) => softphone!.links.issue(trx, caseRow!.id, new Date(Date.now() + 86_400_000)));
    const page = await SoftphonePage.open(`${server.url.replace(/^http/, 'ws')}/api/v1/softphone/ws?token=${encodeURIComponent(token)}`);
    await page.waitFor((m) => m.type === 'ringing', 1, 30_000);
    page.send({ type: 'answer' });
    await page.waitFor((m) => m.type === 'listening');
    for (const [i, line] of JA_LINES.entries()) {
      page.send({ type: 'text', text: line });
      await page.waitFor((m) => m.type === 'listening', i + 2);
    }
    page.send({ type: 'dtmf', digits: await readCode(t, c.email) });
    const outcome = await page.waitFor((m) => m.type === 'outcome');
    page.close();
    return { outcome: outcome.outcome, accountId: account.id, caseId: caseRow!.id, services };
  }

  it('standard: the softphone call is at most mailbox possession → escalated, MFA stays, reason names phone possession', async () => {
    const r = await takeTheCall(
      {},
      { email: 'matty@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5678', lang: 'ja' },
    );
    expect(r.outcome).toBe('escalated');
    expect(await r.services.identity.getAccount(r.accountId)).toMatchObject({ mfaEnabled: true });
    expect(await decisionOf(r.services, r.caseId)).toMatchObject({
      policy: 'standard',
      decision: 'needs_person',
      reasons: ['missing_phone_possession'],
    });
    const calls = await r.services.calls.callsForCase(r.caseId);
    expect(calls.map((x) => [x.call.channel, x.call.proves_phone_possession])).toEqual([['softphone', 0]]);
  });

  it('standard: a dialer that rings the number on record itself (a SIP/carrier stand-in) records it on the call, and the same talk resets', async () => {
    const c: Customer = { email: 'matty@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5678', lang: 'ja' };
    const logs: string[] = [];
    const rung = new Map<string, string>();
    let services: Services | null = null;
    // Stands in for the telephony issue's carrier dialer: it would ring case.phone_e164; here the "phone" is a text link.
    const sip: Dialer = {
      provesPhonePossession: true,
      async dial(trx, caseId) {
        rung.set(caseId, (await services!.calls.openLink(trx, caseId, 'text', sip)).url);
      },
    };
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-possession-'));
    services = await createServices(
      loadConfig({
        PORT: '0',
        AIZUCHI_MAIL_CATCHER_PORT: '0',
        AIZUCHI_METRICS_PORT: '0',
        AIZUCHI_DATA_DIR: dataDir,
        AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
        AIZUCHI_CALLBACK_LEAD_SEC: '0',
        AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
        AIZUCHI_JAPANESE_HOLIDAYS: 'false',
      }),
      { dialer: sip, withSoftphone: false, logger: captureLogs(logs) },
    );
    const server = await startServer(services);
    running = { server, services, dataDir };
    expect(logs.join('\n')).not.toMatch(/every case will go to a person/);
    const { account } = await services.identity.createAccount({ ...c, mfa: true });
    const res = await fetch(`${server.url}/api/v1/recovery-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: c.email, password: c.password, phone: c.phone, lang: c.lang, consent: true }),
    });
    expect(res.status).toBe(202);
    const [caseRow] = await services.cases.list({ email: c.email });
    const until = Date.now() + 15_000;
    while (!rung.has(caseRow!.id) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    // The link names the configured URL (port 0 here); the call goes to the bound port.
    const link = new URL(rung.get(caseRow!.id)!);
    const call = await TextCaller.connect(`${server.url.replace(/^http/, 'ws')}${link.pathname}${link.search}`);
    await call.turn();
    for (const line of JA_LINES) await call.say(line);
    const end = await call.dtmf(await readCode({ server } as unknown as TestServer, c.email));
    expect(ending(end)).toBe('mfa_reset');
    expect(await services.identity.getAccount(account.id)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
    const [placed] = await services.calls.callsForCase(caseRow!.id);
    expect(placed!.call.proves_phone_possession).toBe(1);
    const decision = JSON.parse((await services.cases.history(caseRow!.id)).find((e) => e.kind === 'reset_decision')!.data);
    expect(decision.facts.proofs).toContainEqual({ kind: 'phone_possession', source: 'outbound_call_to_record' });
  });

  it('mailbox: the same softphone call resets', async () => {
    const r = await takeTheCall(
      { AIZUCHI_POLICY: 'mailbox' },
      { email: 'matty@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5678', lang: 'ja' },
    );
    expect(r.outcome).toBe('mfa_reset');
    expect(await r.services.identity.getAccount(r.accountId)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
  });
});
