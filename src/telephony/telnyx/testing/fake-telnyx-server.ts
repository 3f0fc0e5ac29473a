import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeCalleeStream, openFakeCalleeStream } from '../../testing/fake-callee-stream';
import { telnyxStreamVendor } from './telnyx-stream-vendor';

/**
 * A local server that behaves as Telnyx documents for what aizuchi uses (TELEPHONY.md §2):
 * `POST /v2/calls` (Bearer API key; Telnyx's error body `{"errors": [{code, title, detail}]}`;
 * `command_id` repeats return the first call), `POST /v2/calls/{id}/actions/hangup` (422 with
 * code 90018 once the call has ended), and for each dialled call the callee's behaviour: Call
 * Control webhooks to `webhook_url` SIGNED with Ed25519 over `<timestamp>|<body>` (the key pair is
 * made here; `publicKey` is what the portal would show), `call.initiated` → `call.answered` (+
 * `call.machine.detection.ended` when AMD was asked) or `call.hangup` with its cause, and on
 * answer the bidirectional media stream to `stream_url` (see ../../testing/fake-callee-stream.ts).
 */
export type FakeTelnyxCallee =
  | { kind: 'answer'; amdResult?: 'human' | 'machine' | 'not_sure'; talk?: (stream: FakeCalleeStream) => Promise<void> }
  | { kind: 'busy' }
  | { kind: 'no-answer' }
  | { kind: 'hold' };

export interface FakeTelnyxCall {
  readonly callControlId: string;
  readonly body: Record<string, unknown>;
  state: 'dialing' | 'answered' | 'ended';
  readonly webhooks: Array<{ eventType: string; status: number }>;
  media: FakeCalleeStream | null;
  readonly ended: Promise<string>;
}

export interface FakeTelnyx {
  readonly apiUrl: string;
  /** Base64 of the raw 32-byte Ed25519 public key (AIZUCHI_TELNYX_PUBLIC_KEY). */
  readonly publicKey: string;
  readonly calls: FakeTelnyxCall[];
  failNextDial(status: number, code: string, title: string): void;
  /** The callee hangs up (normal_clearing after an answer, call_rejected before). */
  hangUpRemotely(callControlId: string): void;
  isUp(callControlId: string): boolean;
  /** Signs `body` as Telnyx would, at `timestamp` (Unix seconds; default now). */
  signatureFor(body: string, timestamp?: number): { 'telnyx-signature-ed25519': string; 'telnyx-timestamp': string };
  close(): Promise<void>;
}

export async function startFakeTelnyx(opts: {
  apiKey: string;
  callee?: (body: Record<string, unknown>) => FakeTelnyxCallee;
}): Promise<FakeTelnyx> {
  const keys = generateKeyPairSync('ed25519');
  const publicKey = Buffer.from(keys.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64');
  const calls: FakeTelnyxCall[] = [];
  const pending = new Set<Promise<unknown>>();
  let failNext: { status: number; code: string; title: string } | null = null;
  const enders = new Map<string, (cause: string) => void>();

  const signatureFor = (body: string, timestamp = Math.floor(Date.now() / 1000)) => ({
    'telnyx-signature-ed25519': sign(null, Buffer.from(`${timestamp}|${body}`), keys.privateKey).toString('base64'),
    'telnyx-timestamp': String(timestamp),
  });

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => telnyxError(res, 500, '10007', 'Unexpected error', String(err)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${opts.apiKey}`)
      return telnyxError(res, 401, '10009', 'Authentication failed', 'The API key is invalid.');
    const body = await readJson(req);
    if (!body) return telnyxError(res, 400, '10015', 'Bad Request', 'The request body is not valid JSON.');
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'POST' && path === '/v2/calls') return dial(body, res);
    const m = req.method === 'POST' ? /^\/v2\/calls\/([^/]+)\/actions\/hangup$/.exec(path) : null;
    if (m) return hangup(decodeURIComponent(m[1]!), res);
    return telnyxError(res, 404, '10005', 'Resource not found', `${path} does not exist.`);
  }

  function dial(body: Record<string, unknown>, res: ServerResponse): void {
    if (failNext) {
      const f = failNext;
      failNext = null;
      return telnyxError(res, f.status, f.code, f.title, f.title);
    }
    const repeat = typeof body.command_id === 'string' ? calls.find((c) => c.body.command_id === body.command_id) : undefined;
    if (repeat) return json(res, 200, { data: dialResponse(repeat) });
    if (typeof body.connection_id !== 'string' || body.connection_id === '')
      return invalid(res, 'connection_id', 'connection_id is required.');
    for (const field of ['to', 'from'] as const) {
      if (typeof body[field] !== 'string' || !/^\+[1-9]\d{6,14}$/.test(body[field]))
        return invalid(res, field, `The '${field}' number is not valid E.164.`);
    }
    if (
      body.client_state !== undefined &&
      (typeof body.client_state !== 'string' || Buffer.from(body.client_state, 'base64').toString('base64') !== body.client_state)
    ) {
      return invalid(res, 'client_state', 'client_state must be valid Base-64.');
    }
    let end!: (cause: string) => void;
    const call: FakeTelnyxCall = {
      callControlId: `v3:${randomUUID().replace(/-/g, '')}`,
      body,
      state: 'dialing',
      webhooks: [],
      media: null,
      ended: new Promise<string>((r) => (end = r)),
    };
    calls.push(call);
    enders.set(call.callControlId, end);
    json(res, 200, { data: dialResponse(call) });
    const run = runCall(call, opts.callee?.(body) ?? { kind: 'answer' });
    pending.add(run);
    void run.finally(() => pending.delete(run));
  }

  async function webhook(call: FakeTelnyxCall, eventType: string, extra: Record<string, unknown> = {}): Promise<void> {
    const url = call.body.webhook_url;
    if (typeof url !== 'string') return;
    const payload = {
      data: {
        record_type: 'event',
        event_type: eventType,
        id: randomUUID(),
        occurred_at: new Date().toISOString(),
        payload: {
          call_control_id: call.callControlId,
          call_leg_id: randomUUID(),
          call_session_id: randomUUID(),
          connection_id: call.body.connection_id,
          client_state: call.body.client_state,
          from: call.body.from,
          to: call.body.to,
          direction: 'outgoing',
          ...extra,
        },
      },
      meta: { attempt: 1, delivered_to: url },
    };
    const text = JSON.stringify(payload);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signatureFor(text) },
      body: text,
    }).catch(() => null);
    call.webhooks.push({ eventType, status: res?.status ?? 0 });
  }

  async function hangUp(call: FakeTelnyxCall, cause: string, sip: string): Promise<void> {
    if (call.state === 'ended') return;
    call.state = 'ended';
    await webhook(call, 'call.hangup', {
      hangup_cause: cause,
      hangup_source: cause === 'normal_clearing' ? 'callee' : 'unknown',
      sip_hangup_cause: sip,
    });
    enders.get(call.callControlId)?.(cause);
  }

  async function runCall(call: FakeTelnyxCall, callee: FakeTelnyxCallee): Promise<void> {
    if (callee.kind === 'hold') return;
    await webhook(call, 'call.initiated', { state: 'bridging' });
    if (callee.kind === 'busy') return hangUp(call, 'user_busy', '486');
    if (callee.kind === 'no-answer') return hangUp(call, 'timeout', '487');
    call.state = 'answered';
    await webhook(call, 'call.answered', { state: 'answered' });
    const amd = call.body.answering_machine_detection;
    if (typeof amd === 'string' && amd !== 'disabled')
      await webhook(call, 'call.machine.detection.ended', { result: callee.amdResult ?? 'human' });
    const streamUrl = call.body.stream_url;
    if (typeof streamUrl !== 'string') return;
    const vendor = telnyxStreamVendor({ call: call.callControlId, body: call.body });
    call.media = await openFakeCalleeStream(streamUrl, vendor).catch(() => null);
    if (!call.media) return hangUp(call, 'normal_clearing', '200');
    if (callee.talk) await callee.talk(call.media).catch(() => undefined);
    await call.media.closed;
    await hangUp(call, 'normal_clearing', '200');
  }

  async function hangup(id: string, res: ServerResponse): Promise<void> {
    const call = calls.find((c) => c.callControlId === id);
    if (!call) return telnyxError(res, 404, '10005', 'Resource not found', 'Call not found.');
    if (call.state === 'ended')
      return telnyxError(res, 422, '90018', 'Call has already ended', 'This call is no longer active and can not receive commands.');
    json(res, 200, { data: { result: 'ok' } });
    if (call.media) call.media.hangup();
    else void hangUp(call, 'originator_cancel', '487');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/v2`,
    publicKey,
    calls,
    failNextDial(status, code, title) {
      failNext = { status, code, title };
    },
    signatureFor,
    hangUpRemotely(id) {
      const call = calls.find((c) => c.callControlId === id);
      if (!call) return;
      if (call.media) call.media.hangup();
      else void hangUp(call, call.state === 'answered' ? 'normal_clearing' : 'call_rejected', call.state === 'answered' ? '200' : '603');
    },
    isUp(id) {
      const call = calls.find((c) => c.callControlId === id);
      return call !== undefined && call.state !== 'ended';
    },
    async close() {
      for (const c of calls) c.media?.hangup();
      await Promise.allSettled([...pending]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function dialResponse(call: FakeTelnyxCall) {
  return {
    call_control_id: call.callControlId,
    call_leg_id: randomUUID(),
    call_session_id: randomUUID(),
    is_alive: false,
    record_type: 'call',
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function telnyxError(res: ServerResponse, status: number, code: string, title: string, detail: string): void {
  json(res, status, { errors: [{ code, title, detail }] });
}

function invalid(res: ServerResponse, field: string, detail: string): void {
  json(res, 422, { errors: [{ code: '10015', title: 'Invalid value for parameter', detail, source: { pointer: `/${field}` } }] });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return {};
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
