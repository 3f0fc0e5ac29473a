import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { callNowCommand, createCliCallNow } from '../../src/cli/commands/call-now';
import { loadConfig } from '../../src/config';
import { type RunningServer, type Services, createServices, startServer } from '../../src/main';
import { createLogger } from '../../src/observability/logger';

/** Everything the agent sends on the text channel. */
export type AgentFrame =
  | { type: 'agent'; text: string; kind: 'prompt' | 'backchannel' }
  | { type: 'listening'; expecting: string }
  | { type: 'end'; outcome: string }
  | { type: 'error'; message: string };

export interface TestServer {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  services: Services;
  server: RunningServer;
  /** Every log line both processes wrote (pino JSON). */
  logs: string[];
  /** A second set of services on the same database, as the CLI process would have. */
  cli(): Promise<Services>;
  stop(): Promise<void>;
}

export function captureLogs(lines: string[]) {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return createLogger('debug', sink);
}

export async function startTestServer(extraEnv: Record<string, string> = {}, dataDir?: string, logs: string[] = []): Promise<TestServer> {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-e2e-'));
  const env: NodeJS.ProcessEnv = {
    PORT: '0',
    AIZUCHI_MAIL_CATCHER_PORT: '0',
    AIZUCHI_METRICS_PORT: '0',
    AIZUCHI_DATA_DIR: dir,
    AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
    AIZUCHI_LIMIT_REQUESTS_PER_IP_PER_HOUR: '100',
    AIZUCHI_COMPANY_NAME: 'エーダブリューエス',
    AIZUCHI_AGENT_NAME: '佐藤',
    ...extraEnv,
  };
  const logger = captureLogs(logs);
  const services = await createServices(loadConfig(env), { logger });
  const server = await startServer(services);
  let cliServices: Services | null = null;
  return {
    dataDir: dir,
    env,
    services,
    server,
    logs,
    async cli() {
      cliServices ??= await createServices(loadConfig({ ...env, AIZUCHI_URL: server.url }), { logger });
      return cliServices;
    },
    async stop() {
      await cliServices?.close();
      await server.stop();
    },
  };
}

/** `aizuchi cases call-now ID --channel text --json --outside-hours`, through the real commander command. */
export async function callNow(t: TestServer, caseId: string, extra: string[] = ['--outside-hours']): Promise<string> {
  const cli = await t.cli();
  let out = '';
  const callNow = createCliCallNow({ ...cli, callLeadMs: cli.config.limits.callbackLeadSec * 1000 });
  const cmd = callNowCommand({ services: async () => ({ callNow }), write: (s) => void (out += s) });
  cmd.exitOverride();
  await cmd.parseAsync([caseId, '--channel', 'text', '--json', ...extra], { from: 'user' });
  return (JSON.parse(out) as { url: string }).url;
}

export interface Customer {
  email: string;
  password: string;
  name: string;
  phone: string;
  lang: 'ja' | 'en';
  /** How the name is said in ja / en calls (issue 9). */
  nameKana?: string;
  nameLatin?: string;
  /** An operator is privileged (it can act on other accounts); the default is a customer. */
  role?: 'customer' | 'operator';
}

/** Makes the account, submits the recovery request over HTTP and returns the scheduled case's id. */
/** `recordingConsent: false` ticks "don't record" on the form; left out, the form says nothing (recorded). */
export async function customerWithRequest(
  t: TestServer,
  c: Customer,
  opts: { withPassword: boolean; recordingConsent?: boolean },
): Promise<{ accountId: string; caseId: string }> {
  const { account } = await t.services.identity.createAccount({ ...c, mfa: true });
  const res = await fetch(`${t.server.url}/api/v1/recovery-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: c.email,
      phone: c.phone,
      lang: c.lang,
      consent: true,
      ...(opts.recordingConsent === undefined ? {} : { recordingConsent: opts.recordingConsent }),
      ...(opts.withPassword ? { password: c.password } : {}),
    }),
  });
  if (res.status !== 202) throw new Error(`recovery request refused: ${res.status}`);
  const [row] = await t.services.cases.list({ email: c.email });
  if (!row || row.state !== 'scheduled') throw new Error(`case not scheduled: ${row?.state}`);
  return { accountId: account.id, caseId: row.id };
}

export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
}

export async function mailTo(t: TestServer, to: string): Promise<CaughtMail[]> {
  const res = await fetch(`${t.server.url}/api/v1/dev/mail?to=${encodeURIComponent(to)}`);
  return (await res.json()) as CaughtMail[];
}

export async function waitForMail(t: TestServer, to: string, match: (m: CaughtMail) => boolean, timeoutMs = 15_000): Promise<CaughtMail> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await mailTo(t, to)).find(match);
    if (found) return found;
    if (Date.now() > until) throw new Error('mail did not arrive');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The code from the verification mail (its own block of 8 digits). */
export async function readCode(t: TestServer, to: string, after = 0): Promise<string> {
  const until = Date.now() + 15_000;
  for (;;) {
    const codes = (await mailTo(t, to)).filter((m) => /確認コード|verification code/i.test(m.subject));
    if (codes.length > after) {
      const code = /^\s+(\d{8})\s*$/m.exec(codes[0]!.text)?.[1];
      if (!code) throw new Error('no code in the mail');
      return code;
    }
    if (Date.now() > until) throw new Error('code mail did not arrive');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A caller on the text channel: sends frames and reads the agent's turn up to its next `listening` or `end`. */
export class TextCaller {
  readonly frames: AgentFrame[] = [];
  private cursor = 0;
  private waiters: Array<() => void> = [];
  closed = false;
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as AgentFrame);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.wake();
    });
  }

  static connect(url: string): Promise<TextCaller> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const caller = new TextCaller(ws);
      ws.once('open', () => resolve(caller));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Frames of the agent's next turn, through its `listening` (or `end`). */
  async turn(timeoutMs = 10_000): Promise<AgentFrame[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const idx = this.frames.findIndex((f, i) => i >= this.cursor && (f.type === 'listening' || f.type === 'end'));
      if (idx >= 0) {
        const out = this.frames.slice(this.cursor, idx + 1);
        this.cursor = idx + 1;
        return out;
      }
      if (this.closed) throw new Error(`line closed mid-turn (${this.closeCode})`);
      const left = until - Date.now();
      if (left <= 0) throw new Error('agent turn timed out');
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async say(text: string): Promise<AgentFrame[]> {
    this.send({ type: 'say', text });
    return this.turn();
  }

  async dtmf(digits: string): Promise<AgentFrame[]> {
    this.send({ type: 'dtmf', digits });
    return this.turn();
  }

  async waitClosed(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > until) throw new Error('line did not close');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export const prompts = (frames: AgentFrame[]) => frames.flatMap((f) => (f.type === 'agent' && f.kind === 'prompt' ? [f.text] : []));
export const backchannels = (frames: AgentFrame[]) => frames.filter((f) => f.type === 'agent' && f.kind === 'backchannel');
export const ending = (frames: AgentFrame[]) =>
  frames.find((f): f is Extract<AgentFrame, { type: 'end' }> => f.type === 'end')?.outcome ?? null;
