import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AizuchiError } from '../../domain/errors';
import { authorize, chooseChallenge } from './digest';
import { header, headerValues, parseUri, responseTo, type SipHeaders, type SipMessage, type SipRequest, type SipResponse } from './message';
import { DEFAULT_TIMERS, newBranch, TransactionLayer, type ClientTransactionHandlers, type SipTimers } from './transaction';
import { SipTransport, type SipPeer, type SipTransportName } from './transport';

/**
 * A minimal SIP user agent for one trunk or PBX: it listens on one address (UDP and TCP), sends
 * every request through the trunk (the trunk is our outbound proxy), accepts requests only from the
 * trunk's addresses (everyone else gets 403: no open relay, no toll fraud), answers OPTIONS, and
 * hands in-dialog requests to the dialog that owns the Call-ID.
 */

export class SipConfigError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'sip_config', retryable: false });
  }
}

export interface SipTrunk {
  readonly host: string;
  readonly port: number;
  readonly transport: SipTransportName;
}

/** `sip:pbx.example.com:5060;transport=udp` → host, port (default 5060), transport (default udp). */
export function parseTrunk(text: string): SipTrunk {
  let uri;
  try {
    uri = parseUri(text);
  } catch {
    throw new SipConfigError('AIZUCHI_SIP_TRUNK must be a SIP URI such as sip:pbx.example.com:5060;transport=udp');
  }
  const transport = (uri.params.get('transport') ?? 'udp').toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') throw new SipConfigError('AIZUCHI_SIP_TRUNK transport must be udp or tcp');
  return { host: uri.host, port: uri.port ?? 5060, transport };
}

/** What a dialog (one call) does with the requests the trunk sends inside it. */
export interface DialogHandler {
  /** The response to send, or null for ACK (which gets none). */
  handleRequest(req: SipRequest): SipResponse | null;
  /** A 2xx to our INVITE arrived after its transaction ended (the far end missed our ACK). */
  handleRetransmitted2xx(res: SipResponse): void;
}

export interface SipUaOptions {
  readonly trunk: SipTrunk;
  /** Where we listen (AIZUCHI_SIP_LISTEN); port 0 picks a free one (tests). */
  readonly listenHost: string;
  readonly listenPort: number;
  /** The address the trunk reaches us at (Contact, Via, SDP c=); defaults to the listen host. */
  readonly publicHost?: string;
  readonly user?: string;
  readonly password?: string;
  /** Our From: a SIP URI, or a user part put on the trunk's host. */
  readonly from: string;
  readonly timers?: SipTimers;
}

export interface SipUaStats {
  /** Requests from addresses other than the trunk's, refused with 403. */
  refusedForeign: number;
  /** Requests and responses whose headers were unusable (dropped, or answered 400). */
  malformed: number;
}

export class SipUserAgent {
  readonly transactions: TransactionLayer;
  readonly trunkPeer: SipPeer;
  readonly fromUri: string;
  readonly publicHost: string;
  private readonly allowed: Set<string>;
  private readonly dialogs = new Map<string, DialogHandler>();
  private readonly counts: SipUaStats = { refusedForeign: 0, malformed: 0 };
  private readonly nonceUses = new Map<string, number>();

  private constructor(
    readonly transport: SipTransport,
    readonly options: SipUaOptions,
    trunkAddresses: string[],
  ) {
    this.transactions = new TransactionLayer(transport, options.timers ?? DEFAULT_TIMERS);
    this.allowed = new Set(trunkAddresses);
    this.trunkPeer = { transport: options.trunk.transport, address: trunkAddresses[0]!, port: options.trunk.port };
    this.publicHost = options.publicHost ?? options.listenHost;
    this.fromUri = this.uriFor(options.from);
    transport.onMessage((msg, from) => this.receive(msg, from));
  }

  /** Resolves the trunk's addresses and starts listening. Rejects with SipConfigError / SipTransportError. */
  static async start(options: SipUaOptions): Promise<SipUserAgent> {
    parseUri(options.from.startsWith('sip') ? options.from : `sip:${options.from}@${options.trunk.host}`);
    let addresses: string[];
    if (isIP(options.trunk.host)) addresses = [options.trunk.host];
    else {
      try {
        addresses = (await lookup(options.trunk.host, { all: true })).map((a) => a.address);
      } catch (error) {
        throw new SipConfigError(`the SIP trunk host does not resolve: ${(error as Error).message}`);
      }
    }
    if (addresses.length === 0) throw new SipConfigError('the SIP trunk host has no address');
    const transport = await SipTransport.listen(options.listenHost, options.listenPort);
    return new SipUserAgent(transport, options, addresses);
  }

  /** A From value as configured (a SIP URI, or a user part such as an E.164 caller ID) → a SIP URI on the trunk's host. */
  uriFor(from: string): string {
    return from.startsWith('sip:') || from.startsWith('sips:') ? from : `sip:${from}@${this.options.trunk.host}`;
  }

  get localPort(): number {
    return this.transport.port;
  }

  stats(): SipUaStats {
    return { ...this.counts };
  }

  /** Our Contact URI (the trunk sends in-dialog requests here). */
  contact(): string {
    const host = this.publicHost.includes(':') ? `[${this.publicHost}]` : this.publicHost;
    const tp = this.options.trunk.transport === 'tcp' ? ';transport=tcp' : '';
    return `<sip:aizuchi@${host}:${this.transport.port}${tp}>`;
  }

  newCallId(): string {
    return `${randomBytes(12).toString('hex')}@aizuchi`;
  }

  /** A request with a fresh Via branch, Max-Forwards and Contact; `headers` add From/To/Call-ID/CSeq and the rest. */
  buildRequest(method: string, uri: string, headers: SipHeaders, body?: { type: string; content: string }): SipRequest {
    const host = this.publicHost.includes(':') ? `[${this.publicHost}]` : this.publicHost;
    const via = `SIP/2.0/${this.options.trunk.transport.toUpperCase()} ${host}:${this.transport.port};branch=${newBranch()};rport`;
    const all: SipHeaders = [['Via', via], ['Max-Forwards', '70'], ...headers, ['Contact', this.contact()], ['User-Agent', 'aizuchi']];
    if (body) all.push(['Content-Type', body.type]);
    return { kind: 'request', method, uri, headers: all, body: Buffer.from(body?.content ?? '', 'utf8') };
  }

  /** Sends a request to the trunk in a client transaction. */
  request(req: SipRequest, handlers: ClientTransactionHandlers): void {
    this.transactions.request(req, this.trunkPeer, handlers);
  }

  /** Sends a request outside a transaction (the ACK for a 2xx). */
  sendAck(ack: SipRequest): void {
    this.transactions.send(ack, this.trunkPeer);
  }

  /**
   * The Authorization/Proxy-Authorization header answering a 401/407 for `req`, or null when the
   * challenge cannot be answered (no credentials, no supported algorithm).
   */
  credentialsFor(challenge: SipResponse, req: SipRequest): [string, string] | null {
    if (this.options.password === undefined) return null;
    const proxy = challenge.status === 407;
    const chosen = chooseChallenge(headerValues(challenge, proxy ? 'proxy-authenticate' : 'www-authenticate'));
    if (!chosen) return null;
    const uses = (this.nonceUses.get(chosen.nonce) ?? 0) + 1;
    this.nonceUses.set(chosen.nonce, uses);
    if (this.nonceUses.size > 64) this.nonceUses.delete(this.nonceUses.keys().next().value!);
    const username = this.options.user ?? parseUri(this.fromUri).user ?? '';
    const value = authorize(chosen, { username, password: this.options.password }, req.method, req.uri, uses);
    return [proxy ? 'Proxy-Authorization' : 'Authorization', value];
  }

  /** Routes in-dialog requests with this Call-ID to `handler` until `forget`. */
  addDialog(callId: string, handler: DialogHandler): void {
    this.dialogs.set(callId, handler);
  }

  forget(callId: string): void {
    this.dialogs.delete(callId);
  }

  private receive(msg: SipMessage, from: SipPeer): void {
    try {
      this.dispatch(msg, from);
    } catch {
      // A header we need was malformed (parsed lazily): refuse the request, drop a response.
      this.counts.malformed++;
      if (msg.kind === 'request' && msg.method !== 'ACK') {
        try {
          this.transactions.send(responseTo(msg, 400, 'Bad Request'), from);
        } catch {
          // not even a response could be built from it
        }
      }
    }
  }

  private dispatch(msg: SipMessage, from: SipPeer): void {
    if (!this.allowed.has(from.address)) {
      // Only the trunk may talk to us: anyone else could ring through us or probe our calls.
      if (msg.kind === 'request' && msg.method !== 'ACK') {
        this.counts.refusedForeign++;
        this.transactions.send(responseTo(msg, 403, 'Forbidden'), from);
      }
      return;
    }
    if (msg.kind === 'response') {
      if (this.transactions.receiveResponse(msg)) return;
      const dialog = this.dialogs.get(header(msg, 'call-id') ?? '');
      if (dialog && msg.status >= 200 && msg.status < 300) dialog.handleRetransmitted2xx(msg);
      return;
    }
    const before = this.transactions.answeredBefore(msg);
    if (before) {
      this.transactions.send(before.response, from);
      return;
    }
    const dialog = this.dialogs.get(header(msg, 'call-id') ?? '');
    let response: SipResponse | null;
    if (dialog) response = dialog.handleRequest(msg);
    else if (msg.method === 'ACK') response = null;
    else if (msg.method === 'OPTIONS')
      response = responseTo(msg, 200, 'OK', [
        ['Allow', ALLOW],
        ['Accept', 'application/sdp'],
      ]);
    // We place calls; we do not take them over SIP.
    else if (msg.method === 'INVITE') response = responseTo(msg, 480, 'Temporarily Unavailable');
    else response = responseTo(msg, 481, 'Call/Transaction Does Not Exist');
    if (response) this.transactions.respond(msg, response, from);
  }

  async close(): Promise<void> {
    this.transactions.close();
    this.dialogs.clear();
    await this.transport.close();
  }
}

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE';
