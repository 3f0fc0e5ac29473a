import { AizuchiError } from '../../domain/errors';

/**
 * SIP messages (RFC 3261 §7): parsing from bytes, building and serialising. Parsing is strict about
 * framing and lenient about header values it does not need; any malformed input throws a
 * SipParseError and nothing else (the fuzz tests hold it to that).
 */

export class SipParseError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'sip_parse', retryable: false });
  }
}

/** Headers in arrival order; names as received (compare with `sameHeader`). */
export type SipHeaders = Array<[name: string, value: string]>;

export interface SipRequest {
  readonly kind: 'request';
  readonly method: string;
  readonly uri: string;
  readonly headers: SipHeaders;
  readonly body: Buffer;
}

export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: SipHeaders;
  readonly body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** Compact header forms, RFC 3261 §7.3.3 (and `o`/`u` from RFC 3265/3515 are not needed here). */
const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
};

function canonical(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

/** Largest message we accept (UDP can carry at most 65,507 bytes; a real SIP message is a few KB). */
export const MAX_SIP_MESSAGE_BYTES = 65_535;
const MAX_HEADERS = 128;
const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/** All values of a header (case-insensitive, compact forms included), comma-joined lines split for Via. */
export function headerValues(msg: { headers: SipHeaders }, name: string): string[] {
  const want = canonical(name);
  const out: string[] = [];
  for (const [n, v] of msg.headers) {
    if (canonical(n) !== want) continue;
    if (want === 'via' || want === 'route' || want === 'record-route') out.push(...splitTopLevel(v, ','));
    else out.push(v);
  }
  return out;
}

/** The first value of a header, or undefined. */
export function header(msg: { headers: SipHeaders }, name: string): string | undefined {
  return headerValues(msg, name)[0];
}

/** Splits on `sep` outside double quotes and angle brackets. */
export function splitTopLevel(value: string, sep: string): string[] {
  const parts: string[] = [];
  let depthAngle = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depthAngle++;
    else if (ch === '>') depthAngle = Math.max(0, depthAngle - 1);
    else if (ch === sep && depthAngle === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p !== '');
}

/** `;name=value;flag` parameters into a map (names lower-cased, values unquoted; a flag maps to ''). */
export function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of splitTopLevel(text, ';')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!name) continue;
    let value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    params.set(name, value);
  }
  return params;
}

export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
  readonly params: Map<string, string>;
}

/** Parses `sip:user@host:port;params` (headers after `?` are ignored). Throws SipParseError. */
export function parseUri(text: string): SipUri {
  const m = /^(sips?):(?:([^@;?]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?((?:;[^?]*)?)(?:\?.*)?$/.exec(text.trim());
  if (!m) throw new SipParseError('bad SIP URI');
  const port = m[4] === undefined ? undefined : Number(m[4]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new SipParseError('bad SIP URI port');
  return {
    scheme: m[1] as 'sip' | 'sips',
    ...(m[2] === undefined ? {} : { user: m[2] }),
    host: m[3]!.replace(/^\[|\]$/g, ''),
    ...(port === undefined ? {} : { port }),
    params: parseParams(m[5] ?? ''),
  };
}

export function formatUri(uri: SipUri): string {
  const host = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  const params = [...uri.params].map(([k, v]) => (v === '' ? `;${k}` : `;${k}=${v}`)).join('');
  return `${uri.scheme}:${uri.user === undefined ? '' : `${uri.user}@`}${host}${uri.port === undefined ? '' : `:${uri.port}`}${params}`;
}

export interface NameAddr {
  readonly display: string;
  readonly uri: string;
  readonly params: Map<string, string>;
}

/** From/To/Contact/Route values: `"Name" <uri>;tag=x` or a bare `uri;tag=x`. Throws SipParseError. */
export function parseNameAddr(value: string): NameAddr {
  const lt = value.indexOf('<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    if (gt < 0) throw new SipParseError('unclosed < in address');
    return {
      display: value.slice(0, lt).trim().replace(/^"|"$/g, ''),
      uri: value.slice(lt + 1, gt).trim(),
      params: parseParams(value.slice(gt + 1)),
    };
  }
  const semi = value.indexOf(';');
  return {
    display: '',
    uri: (semi < 0 ? value : value.slice(0, semi)).trim(),
    params: parseParams(semi < 0 ? '' : value.slice(semi)),
  };
}

export interface Via {
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params: Map<string, string>;
}

/** One Via value: `SIP/2.0/UDP host:port;branch=z9hG4bK…`. Throws SipParseError. */
export function parseVia(value: string): Via {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\s*((?:;.*)?)$/.exec(value.trim());
  if (!m) throw new SipParseError('bad Via');
  return {
    transport: m[1]!.toUpperCase(),
    host: m[2]!.replace(/^\[|\]$/g, ''),
    ...(m[3] === undefined ? {} : { port: Number(m[3]) }),
    params: parseParams(m[4] ?? ''),
  };
}

/** `CSeq: 4711 INVITE`. Throws SipParseError. */
export function parseCSeq(value: string | undefined): { seq: number; method: string } {
  const m = /^\s*(\d{1,10})\s+([A-Za-z]+)\s*$/.exec(value ?? '');
  if (!m) throw new SipParseError('bad CSeq');
  const seq = Number(m[1]);
  if (seq > 2 ** 31 - 1) throw new SipParseError('CSeq out of range');
  return { seq, method: m[2]!.toUpperCase() };
}

/** Where the header block ends (index of the blank line's first CR or LF) and how long the separator is. */
function findHeaderEnd(buf: Buffer): { end: number; sepLength: number } | null {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return null;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, sepLength: 4 };
  return { end: lf, sepLength: 2 };
}

function parseHead(head: string): { start: string; headers: SipHeaders } {
  const lines = head.split(/\r?\n/);
  const start = lines.shift() ?? '';
  const headers: SipHeaders = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      // Folded continuation (RFC 3261 §7.3.1): joins the previous header's value.
      const last = headers[headers.length - 1];
      if (!last) throw new SipParseError('continuation line before any header');
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError('header line without a name');
    const name = line.slice(0, colon).trim();
    if (!TOKEN.test(name)) throw new SipParseError('bad header name');
    headers.push([name, line.slice(colon + 1).trim()]);
    if (headers.length > MAX_HEADERS) throw new SipParseError('too many headers');
  }
  return { start, headers };
}

function contentLength(headers: SipHeaders): number | undefined {
  const raw = header({ headers }, 'content-length');
  if (raw === undefined) return undefined;
  if (!/^\d{1,6}$/.test(raw)) throw new SipParseError('bad Content-Length');
  return Number(raw);
}

function checkMandatory(msg: SipMessage): void {
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    if (header(msg, name) === undefined) throw new SipParseError(`missing ${name} header`);
  }
  parseCSeq(header(msg, 'cseq'));
}

function build(start: string, headers: SipHeaders, body: Buffer): SipMessage {
  const response = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/.exec(start);
  if (response) return { kind: 'response', status: Number(response[1]), reason: response[2] ?? '', headers, body };
  const request = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(start);
  if (!request) throw new SipParseError('bad start line');
  return { kind: 'request', method: request[1]!.toUpperCase(), uri: request[2]!, headers, body };
}

/**
 * One datagram → one message (RFC 3261 §18.3: over UDP a missing Content-Length means the body
 * runs to the end of the datagram; extra bytes past it are discarded). Throws SipParseError.
 */
export function parseSipDatagram(buf: Buffer): SipMessage {
  if (buf.length > MAX_SIP_MESSAGE_BYTES) throw new SipParseError('message too large');
  let offset = 0;
  while (offset < buf.length && (buf[offset] === 0x0d || buf[offset] === 0x0a)) offset++; // keepalive CRLFs
  const data = buf.subarray(offset);
  const sep = findHeaderEnd(data);
  if (!sep) throw new SipParseError('no end of headers');
  const { start, headers } = parseHead(data.subarray(0, sep.end).toString('utf8'));
  const rest = data.subarray(sep.end + sep.sepLength);
  const length = contentLength(headers);
  if (length !== undefined && length > rest.length) throw new SipParseError('body shorter than Content-Length');
  const msg = build(start, headers, Buffer.from(length === undefined ? rest : rest.subarray(0, length)));
  checkMandatory(msg);
  return msg;
}

/**
 * Frames messages out of a byte stream (TCP, RFC 3261 §18.3: Content-Length is mandatory there).
 * push() returns the complete messages so far; a framing error throws and the connection must close.
 */
export class SipStreamParser {
  private buffered = Buffer.alloc(0);

  push(chunk: Buffer): SipMessage[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const out: SipMessage[] = [];
    for (;;) {
      let offset = 0;
      while (offset < this.buffered.length && (this.buffered[offset] === 0x0d || this.buffered[offset] === 0x0a)) offset++;
      if (offset > 0) this.buffered = this.buffered.subarray(offset);
      const sep = findHeaderEnd(this.buffered);
      if (!sep) {
        if (this.buffered.length > MAX_SIP_MESSAGE_BYTES) throw new SipParseError('header block too large');
        return out;
      }
      const { start, headers } = parseHead(this.buffered.subarray(0, sep.end).toString('utf8'));
      const length = contentLength(headers);
      if (length === undefined) throw new SipParseError('Content-Length required on a stream');
      const total = sep.end + sep.sepLength + length;
      if (total > MAX_SIP_MESSAGE_BYTES) throw new SipParseError('message too large');
      if (this.buffered.length < total) return out;
      const body = Buffer.from(this.buffered.subarray(sep.end + sep.sepLength, total));
      this.buffered = this.buffered.subarray(total);
      const msg = build(start, headers, body);
      checkMandatory(msg);
      out.push(msg);
    }
  }
}

/** Serialises with CRLF line ends and a Content-Length that matches the body (any given one is replaced). */
export function serializeSip(msg: SipMessage): Buffer {
  const start = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  const lines = [start];
  for (const [name, value] of msg.headers) if (canonical(name) !== 'content-length') lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${msg.body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), msg.body]);
}

/** A response to `req` copying Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2), with a To tag when given. */
export function responseTo(
  req: SipRequest,
  status: number,
  reason: string,
  extra: SipHeaders = [],
  body?: Buffer,
  toTag?: string,
): SipResponse {
  const headers: SipHeaders = [];
  for (const v of headerValues(req, 'via')) headers.push(['Via', v]);
  headers.push(['From', header(req, 'from') ?? '']);
  const to = header(req, 'to') ?? '';
  headers.push(['To', toTag && !parseNameAddr(to).params.has('tag') ? `${to};tag=${toTag}` : to]);
  headers.push(['Call-ID', header(req, 'call-id') ?? '']);
  headers.push(['CSeq', header(req, 'cseq') ?? '']);
  headers.push(...extra);
  return { kind: 'response', status, reason, headers, body: body ?? Buffer.alloc(0) };
}
