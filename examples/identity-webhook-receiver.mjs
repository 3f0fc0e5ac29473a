#!/usr/bin/env node
// An example receiver for aizuchi's identity webhook (src/identity/webhook/SPEC.md): it verifies each
// request's HMAC-SHA256 signature, refuses stale timestamps and replayed ids, runs the action against
// an in-memory directory and signs its answer. Replace InMemoryDirectory with calls into your own
// account system; keep the checks in handle() as they are.
//
//   AIZUCHI_IDENTITY_WEBHOOK_SECRET=… PORT=8787 DIRECTORY_FILE=accounts.json node examples/identity-webhook-receiver.mjs
//
// DIRECTORY_FILE (optional) is a JSON array of accounts: {id, email, phone, lang, name, nameKana?,
// nameLatin?, privileged, factors: [{id, type, label?}]}. Listens on 127.0.0.1 only; put it behind
// your HTTPS front end.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

/** Requests and answers more than this far from the local clock are refused (SPEC.md). */
export const WINDOW_SECONDS = 300;
const MAX_BODY_BYTES = 64 * 1024;

/** `v1=<hex>` of HMAC-SHA256(secret, timestamp + "." + body). */
export function sign(secret, timestamp, body) {
  return `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when one of the header's comma-separated `v1=` values matches, compared in constant time. */
export function signatureMatches(secret, timestamp, body, header) {
  const expected = Buffer.from(sign(secret, timestamp, body));
  return String(header ?? '')
    .split(',')
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && crypto.timingSafeEqual(given, expected));
}

/** An account system held in memory; each method is one action of SPEC.md. */
export class InMemoryDirectory {
  constructor(accounts = []) {
    /** @type {Map<string, any>} */
    this.accounts = new Map();
    for (const a of accounts) this.add(a);
  }
  add(account) {
    const stored = { factors: [], sessions: [], lastSignIn: null, newFactorRequired: false, frozen: false, ...structuredClone(account) };
    this.accounts.set(stored.id, stored);
    return stored.id;
  }
  contact(a) {
    const { email, phone, lang, name, nameKana, nameLatin, privileged } = a;
    return { email, phone, lang, name, ...(nameKana ? { nameKana } : {}), ...(nameLatin ? { nameLatin } : {}), privileged };
  }
  find_account({ email }) {
    const found = [...this.accounts.values()].filter((a) => a.email.toLowerCase() === String(email).toLowerCase());
    return { account: found.length === 1 ? { id: found[0].id, ...this.contact(found[0]) } : null };
  }
  get_contact({ accountId }) {
    const a = this.accounts.get(accountId);
    return { contact: a ? this.contact(a) : null };
  }
  list_factors({ accountId }) {
    return { factors: this.must(accountId).factors.map(({ id, type, label }) => ({ id, type, ...(label ? { label } : {}) })) };
  }
  require_new_factor({ accountId }) {
    this.must(accountId).newFactorRequired = true;
    return {};
  }
  remove_factors({ accountId }) {
    this.must(accountId).factors = [];
    return {};
  }
  revoke_sessions({ accountId }) {
    this.must(accountId).sessions = [];
    return {};
  }
  signed_in_since({ accountId, since }) {
    const a = this.accounts.get(accountId);
    const at = Date.parse(since);
    if (Number.isNaN(at)) throw new BadRequest('since must be an ISO 8601 time');
    return { signedIn: Boolean(a?.lastSignIn && Date.parse(a.lastSignIn) > at) };
  }
  freeze_enrolment({ accountId }) {
    this.must(accountId).frozen = true;
    return {};
  }
  unfreeze_enrolment({ accountId }) {
    this.must(accountId).frozen = false;
    return {};
  }
  must(accountId) {
    const a = this.accounts.get(accountId);
    if (!a) throw new NotFound();
    return a;
  }
}

export class BadRequest extends Error {}
export class NotFound extends Error {}

const ACTIONS = {
  find_account: ['email'],
  get_contact: ['accountId'],
  list_factors: ['accountId'],
  require_new_factor: ['accountId'],
  remove_factors: ['accountId'],
  revoke_sessions: ['accountId'],
  signed_in_since: ['accountId', 'since'],
  freeze_enrolment: ['accountId'],
  unfreeze_enrolment: ['accountId'],
};

/**
 * The receiver as a request handler: (method, headers, raw body) → {status, body, headers}.
 * `seen` remembers request ids for WINDOW_SECONDS; `now` is injectable for tests.
 */
export function createHandler({ secret, directory, now = () => Date.now() }) {
  const seen = new Map(); // id → expiry (ms)
  const answer = (status, payload, extra = {}) => {
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(now() / 1000));
    return {
      status,
      body,
      headers: {
        'content-type': 'application/json',
        'aizuchi-timestamp': timestamp,
        'aizuchi-signature': sign(secret, timestamp, body),
        ...extra,
      },
    };
  };
  return function handle(method, headers, body) {
    if (method !== 'POST') return answer(405, { error: { code: 'method_not_allowed' } });
    const timestamp = String(headers['aizuchi-timestamp'] ?? '');
    // 1. signature over the raw body, before parsing anything.
    if (!/^\d+$/.test(timestamp) || !signatureMatches(secret, timestamp, body, headers['aizuchi-signature'])) {
      return answer(401, { error: { code: 'bad_signature' } });
    }
    // 2. freshness.
    if (Math.abs(now() / 1000 - Number(timestamp)) > WINDOW_SECONDS) return answer(401, { error: { code: 'stale_timestamp' } });
    let request;
    try {
      request = JSON.parse(body);
    } catch {
      return answer(400, { error: { code: 'bad_request', message: 'body is not JSON' } });
    }
    const id = typeof request?.id === 'string' ? request.id : '';
    if (!id || headers['aizuchi-request-id'] !== id)
      return answer(400, { error: { code: 'bad_request', message: 'id missing or unlike Aizuchi-Request-Id' } });
    // 3. replay: forget ids whose window is over, then refuse one seen within it.
    for (const [k, expiry] of seen) if (expiry < now()) seen.delete(k);
    if (seen.has(id)) return answer(409, { id, error: { code: 'replayed' } });
    seen.set(id, now() + WINDOW_SECONDS * 1000);
    // 4. the action.
    const required = ACTIONS[request.action];
    const params = request.params ?? {};
    if (!required || required.some((p) => typeof params[p] !== 'string')) {
      return answer(400, { id, error: { code: 'bad_request', message: 'unknown action or missing parameter' } });
    }
    try {
      return answer(200, { id, result: directory[request.action](params) });
    } catch (err) {
      if (err instanceof NotFound) return answer(404, { id, error: { code: 'account_not_found' } });
      if (err instanceof BadRequest) return answer(400, { id, error: { code: 'bad_request', message: err.message } });
      throw err;
    }
  };
}

/** An http.Server around createHandler (not yet listening). */
export function createIdentityWebhookReceiver(options) {
  const handle = createHandler(options);
  return http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      let reply;
      try {
        reply =
          size > MAX_BODY_BYTES
            ? { status: 413, body: '', headers: {} }
            : handle(req.method, req.headers, Buffer.concat(chunks).toString('utf8'));
      } catch {
        reply = { status: 500, body: '', headers: {} };
      }
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const secret = process.env.AIZUCHI_IDENTITY_WEBHOOK_SECRET;
  if (!secret || secret.length < 32) {
    console.error('set AIZUCHI_IDENTITY_WEBHOOK_SECRET (at least 32 characters)');
    process.exit(1);
  }
  const accounts = process.env.DIRECTORY_FILE ? JSON.parse(readFileSync(process.env.DIRECTORY_FILE, 'utf8')) : [];
  const server = createIdentityWebhookReceiver({ secret, directory: new InMemoryDirectory(accounts) });
  server.listen(Number(process.env.PORT ?? 8787), '127.0.0.1', () => {
    console.log(`identity webhook receiver on http://127.0.0.1:${server.address().port}/ (${accounts.length} accounts)`);
  });
  // Stop cleanly on Ctrl-C or a supervisor's SIGTERM.
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    });
}
