import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { type FakeCalleeStream, openFakeCalleeStream } from '../../testing/fake-callee-stream';
import { twilioStreamVendor } from './twilio-stream-vendor';

/**
 * A local server that behaves as Twilio documents for what aizuchi uses (TELEPHONY.md §1):
 * `POST /2010-04-01/Accounts/{Sid}/Calls.json` (HTTP Basic, form fields as the helper sends them,
 * Twilio's error bodies `{code, message, more_info, status}`), `POST …/Calls/{CallSid}.json` with
 * `Status=completed` (404 + code 20404 once the call is gone), and for each created call the
 * callee's behaviour from `callee`: SIGNED status callbacks (initiated → ringing → in-progress →
 * completed, or busy / no-answer / failed) with increasing SequenceNumber, the async AMD verdict
 * to AsyncAmdStatusCallback, and on answer the `<Connect><Stream>` from the inline TwiML opened
 * as Twilio would (see ../../testing/fake-callee-stream.ts).
 */
export type FakeCallee =
  | { kind: 'answer'; answeredBy?: 'human' | 'machine_start' | 'unknown'; talk?: (stream: FakeCalleeStream) => Promise<void> }
  | { kind: 'busy' }
  | { kind: 'no-answer' }
  | { kind: 'failed'; sipCode?: number }
  /** Accepted, then silence: no callbacks (a test hangs it up over REST). */
  | { kind: 'hold' };

export interface FakeTwilioCall {
  readonly sid: string;
  readonly accountSid: string;
  /** The create request's form fields (repeated keys as arrays). */
  readonly params: Record<string, string | string[]>;
  /** The `<Stream url>` and `<Parameter>`s parsed from the inline TwiML. */
  readonly stream: { url: string; parameters: Record<string, string> } | null;
  status: string;
  /** Status callbacks sent, with aizuchi's HTTP answer. */
  readonly callbacks: Array<{ url: string; params: Record<string, string>; status: number }>;
  media: FakeCalleeStream | null;
  /** Resolves when the call reached a terminal status. */
  readonly ended: Promise<string>;
}

export interface FakeIncomingCall {
  readonly sid: string;
  /** aizuchi's HTTP status and body for the incoming-call request. */
  readonly status: number;
  readonly twiml: string;
  readonly stream: { url: string; parameters: Record<string, string> } | null;
  readonly media: FakeCalleeStream | null;
  /** Resolves when the stream closed (at once when there was none). */
  readonly ended: Promise<void>;
}

export interface FakeTwilio {
  readonly apiUrl: string;
  readonly calls: FakeTwilioCall[];
  /** The next create answers this error instead (e.g. 429/20429, 500, 400/21211). */
  failNextCreate(status: number, code: number, message: string): void;
  /** The next create drops the connection without answering. */
  dropNextCreate(): void;
  /** The callee hangs up (an answered call completes; a ringing one ends as no-answer). */
  hangUpRemotely(sid: string): void;
  /** Whether the call is still queued, ringing or in progress. */
  isUp(sid: string): boolean;
  /**
   * A customer calls the account's number: Twilio's SIGNED incoming-call request (CallSid, AccountSid,
   * From, To, CallStatus=ringing, Direction=inbound, ApiVersion) to `voiceUrl`, and when the answer is
   * TwiML with `<Connect><Stream>`, the stream opened as for an outbound call, with `talk` as the caller.
   */
  incoming(opts: {
    voiceUrl: string;
    from: string;
    to: string;
    talk?: (stream: FakeCalleeStream) => Promise<void>;
  }): Promise<FakeIncomingCall>;
  close(): Promise<void>;
}

const TERMINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

export async function startFakeTwilio(opts: {
  accountSid: string;
  authToken: string;
  callee?: (params: Record<string, string | string[]>) => FakeCallee;
}): Promise<FakeTwilio> {
  const calls: FakeTwilioCall[] = [];
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  let failNext: { status: number; code: number; message: string } | null = null;
  let dropNext = false;
  const base = `/2010-04-01/Accounts/${opts.accountSid}`;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => twilioError(res, 500, 20500, `fake failed: ${String(err)}`));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const expected = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return twilioError(res, 401, 20003, 'Authenticate');
    const params = await readForm(req);
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === `${base}/Calls.json`) return create(params, res);
    const m = req.method === 'POST' ? new RegExp(`^${base}/Calls/(CA[0-9a-f]{32})\\.json$`).exec(path ?? '') : null;
    if (m) return update(m[1]!, params, res);
    return twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
  }

  function create(params: Record<string, string | string[]>, res: ServerResponse): void {
    if (dropNext) {
      dropNext = false;
      res.socket?.destroy();
      return;
    }
    if (failNext) {
      const f = failNext;
      failNext = null;
      return twilioError(res, f.status, f.code, f.message);
    }
    const to = one(params.To);
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!/^\+[1-9]\d{6,14}$/.test(one(params.From))) return twilioError(res, 400, 21212, "The 'From' number is not a valid phone number.");
    const twiml = one(params.Twiml);
    if (!twiml && !one(params.Url)) return twilioError(res, 400, 21205, 'Url parameter is required.');
    if (twiml.length > 4000) return twilioError(res, 400, 21211, 'Twiml exceeds 4000 characters.');
    const sid = `CA${randomBytes(16).toString('hex')}`;
    let resolveEnded!: (s: string) => void;
    const call: FakeTwilioCall = {
      sid,
      accountSid: opts.accountSid,
      params,
      stream: parseStreamTwiml(twiml),
      status: 'queued',
      callbacks: [],
      media: null,
      ended: new Promise<string>((r) => (resolveEnded = r)),
    };
    calls.push(call);
    endedHooks.set(sid, resolveEnded);
    json(res, 201, resource(call));
    track(run(call, opts.callee?.(params) ?? { kind: 'answer' }));
  }

  const endedHooks = new Map<string, (s: string) => void>();
  const incomingStreams: Array<FakeCalleeStream | null> = [];
  const seqs = new Map<string, number>();

  async function callback(call: FakeTwilioCall, url: string | undefined, fields: Record<string, string>): Promise<void> {
    if (!url) return;
    const seq = seqs.get(call.sid) ?? 0;
    seqs.set(call.sid, seq + 1);
    const params: Record<string, string> = {
      AccountSid: opts.accountSid,
      CallSid: call.sid,
      From: one(call.params.From),
      To: one(call.params.To),
      Direction: 'outbound-api',
      ApiVersion: '2010-04-01',
      CallbackSource: 'call-progress-events',
      Timestamp: new Date().toUTCString(),
      SequenceNumber: String(seq),
      ...fields,
    };
    const signature = twilio.getExpectedTwilioSignature(opts.authToken, url, params);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'i-twilio-idempotency-token': randomBytes(8).toString('hex'),
      },
      body: new URLSearchParams(params).toString(),
    }).catch(() => null);
    call.callbacks.push({ url, params, status: res?.status ?? 0 });
  }

  const events = (call: FakeTwilioCall) => {
    const e = call.params.StatusCallbackEvent;
    return new Set(Array.isArray(e) ? e : e ? [e] : []);
  };

  async function setStatus(call: FakeTwilioCall, status: string, extra: Record<string, string> = {}): Promise<void> {
    if (TERMINAL.has(call.status)) return;
    call.status = status;
    const event = status === 'in-progress' ? 'answered' : TERMINAL.has(status) ? 'completed' : status;
    // Twilio sends `completed`-class callbacks even when no events were asked for (§1.1).
    if (events(call).has(event) || event === 'completed')
      await callback(call, one(call.params.StatusCallback), { CallStatus: status, ...extra });
    if (TERMINAL.has(status)) endedHooks.get(call.sid)?.(status);
  }

  async function run(call: FakeTwilioCall, callee: FakeCallee): Promise<void> {
    if (callee.kind === 'hold') return;
    await setStatus(call, 'initiated');
    await setStatus(call, 'ringing');
    if (callee.kind === 'busy') return setStatus(call, 'busy', { SipResponseCode: '486' });
    if (callee.kind === 'no-answer') return setStatus(call, 'no-answer', { SipResponseCode: '487' });
    if (callee.kind === 'failed') return setStatus(call, 'failed', { SipResponseCode: String(callee.sipCode ?? 503) });
    await setStatus(call, 'in-progress');
    if (one(call.params.MachineDetection) && one(call.params.AsyncAmd) === 'true') {
      await callback(call, one(call.params.AsyncAmdStatusCallback), {
        AnsweredBy: callee.answeredBy ?? 'human',
        MachineDetectionDuration: '1800',
      });
    }
    if (!call.stream) return setStatus(call, 'completed');
    const vendor = twilioStreamVendor({
      url: call.stream.url,
      authToken: opts.authToken,
      accountSid: opts.accountSid,
      callSid: call.sid,
      customParameters: call.stream.parameters,
    });
    const media = await openFakeCalleeStream(call.stream.url, vendor).catch(() => null);
    call.media = media;
    if (!media) return setStatus(call, 'completed');
    if (callee.talk) await callee.talk(media).catch(() => undefined);
    // Nothing follows </Connect> in aizuchi's TwiML: when the stream ends, the call ends.
    await media.closed;
    await setStatus(call, 'completed', { CallDuration: '1' });
  }

  async function update(sid: string, params: Record<string, string | string[]>, res: ServerResponse): Promise<void> {
    const call = calls.find((c) => c.sid === sid);
    if (!call || TERMINAL.has(call.status))
      return twilioError(res, 404, 20404, `The requested resource ${base}/Calls/${sid}.json was not found`);
    if (one(params.Status) === 'completed' || one(params.Status) === 'canceled') {
      if (call.media) call.media.hangup();
      else track(setStatus(call, one(params.Status) === 'canceled' || call.status !== 'in-progress' ? 'canceled' : 'completed'));
    }
    json(res, 200, resource(call));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    calls,
    failNextCreate(status, code, message) {
      failNext = { status, code, message };
    },
    dropNextCreate() {
      dropNext = true;
    },
    hangUpRemotely(sid) {
      const call = calls.find((c) => c.sid === sid);
      if (!call) return;
      if (call.media) call.media.hangup();
      else track(setStatus(call, call.status === 'in-progress' ? 'completed' : 'no-answer'));
    },
    isUp(sid) {
      const call = calls.find((c) => c.sid === sid);
      return call !== undefined && !TERMINAL.has(call.status);
    },
    async incoming({ voiceUrl, from, to, talk }) {
      const sid = `CA${randomBytes(16).toString('hex')}`;
      const params: Record<string, string> = {
        AccountSid: opts.accountSid,
        CallSid: sid,
        From: from,
        To: to,
        CallStatus: 'ringing',
        Direction: 'inbound',
        ApiVersion: '2010-04-01',
      };
      const res = await fetch(voiceUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(opts.authToken, voiceUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      const twiml = await res.text();
      const stream = res.status === 200 ? parseStreamTwiml(twiml) : null;
      let media: FakeCalleeStream | null = null;
      if (stream) {
        const vendor = twilioStreamVendor({
          url: stream.url,
          authToken: opts.authToken,
          accountSid: opts.accountSid,
          callSid: sid,
          customParameters: stream.parameters,
        });
        media = await openFakeCalleeStream(stream.url, vendor).catch(() => null);
        incomingStreams.push(media);
      }
      const open = media;
      const ended = open
        ? (talk ? talk(open).catch(() => undefined) : Promise.resolve()).then(() => open.closed).then(() => undefined)
        : Promise.resolve();
      track(ended);
      return { sid, status: res.status, twiml, stream, media, ended };
    },
    async close() {
      for (const m of incomingStreams) m?.hangup();
      for (const c of calls) if (c.media) c.media.hangup();
      await Promise.allSettled([...pending]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

function resource(call: FakeTwilioCall) {
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    to: one(call.params.To),
    from: one(call.params.From),
    status: call.status,
    direction: 'outbound-api',
    api_version: '2010-04-01',
    date_created: new Date().toUTCString(),
    uri: `/2010-04-01/Accounts/Calls/${call.sid}.json`,
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Twilio's documented REST error body. */
function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent) return;
  json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

async function readForm(req: IncomingMessage): Promise<Record<string, string | string[]>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const decodeXml = (s: string) =>
  s.replace(/&(quot|apos|lt|gt|amp|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) => {
    const named: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return named[e.toLowerCase()] ?? '';
  });

/** A run of `name="value"` attributes (values may hold `>`, which XML leaves unescaped in attributes). */
const ATTRS = '(?:\\s+[A-Za-z]+="[^"]*")*';

const attrs = (tag: string): Record<string, string> =>
  Object.fromEntries([...tag.matchAll(/([A-Za-z]+)="([^"]*)"/g)].map((m) => [m[1]!, decodeXml(m[2]!)]));

/** The `<Connect><Stream url>` and its `<Parameter name value>`s, as Twilio reads them from the TwiML. */
export function parseStreamTwiml(twiml: string): { url: string; parameters: Record<string, string> } | null {
  const connect = /<Connect>([\s\S]*?)<\/Connect>/.exec(twiml)?.[1];
  const stream = connect ? new RegExp(`<Stream\\b(${ATTRS})\\s*/?>`).exec(connect) : null;
  if (!connect || !stream) return null;
  const url = attrs(stream[1] ?? '').url;
  if (!url) return null;
  const parameters: Record<string, string> = {};
  for (const p of connect.matchAll(new RegExp(`<Parameter\\b(${ATTRS})\\s*/?>`, 'g'))) {
    const a = attrs(p[1] ?? '');
    if (a.name !== undefined && a.value !== undefined) parameters[a.name] = a.value;
  }
  return { url, parameters };
}
