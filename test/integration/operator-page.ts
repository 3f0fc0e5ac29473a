import WebSocket from 'ws';
import type { Services } from '../../src/main';
import { decodePcm16le } from '../../src/telephony/softphone/protocol';

/** The operator's console page, as far as the socket goes: JSON control in, binary audio in, both out. */
export class OperatorPage {
  readonly json: Array<Record<string, unknown>> = [];
  readonly audio: Int16Array[] = [];
  closed: number | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.audio.push(decodePcm16le(data as Buffer));
      else this.json.push(JSON.parse(String(data)) as Record<string, unknown>);
    });
    ws.on('close', (code) => (this.closed = code));
  }
  static open(url: string, cookie?: string, headers: Record<string, string> = {}): Promise<OperatorPage> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });
      const page = new OperatorPage(ws);
      ws.once('open', () => resolve(page));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }
  async until<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** A signed-in operator (password + TOTP done) as a session cookie for /console/softphone/ws. */
export async function operatorCookie(services: Services, email: string): Promise<{ cookie: string; operatorId: string }> {
  const { account } = await services.identity.createAccount({
    email,
    password: 'operator password',
    name: 'Op',
    phone: '03-1234-5678',
    role: 'operator',
    mfa: true,
  });
  const session = await services.identity.sessions.create(account.id, 'full', new Date());
  return { cookie: `aizuchi_session=${session.token}`, operatorId: account.id };
}
