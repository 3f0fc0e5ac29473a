import { randomBytes } from 'node:crypto';
import { header, headerValues, parseCSeq, parseVia, type SipHeaders, type SipRequest, type SipResponse } from './message';
import type { SipPeer, SipTransport } from './transport';

/**
 * Client transactions (RFC 3261 §17.1) and the server side's answer cache (§17.2): retransmission
 * over UDP (timer A/E from T1 = 500 ms doubling, non-INVITE capped at T2 = 4 s), timeout after
 * 64×T1 (timer B/F), the ACK for a non-2xx final response (§17.1.1.3), and repeating our last
 * response when a peer retransmits a request.
 */

export interface SipTimers {
  /** RTT estimate, RFC 3261 §17.1.1.1 (500 ms). */
  readonly t1Ms: number;
  /** Longest non-INVITE retransmit interval (4 s). */
  readonly t2Ms: number;
}

export const DEFAULT_TIMERS: SipTimers = { t1Ms: 500, t2Ms: 4000 };

/** `z9hG4bK` marks an RFC 3261 branch (§8.1.1.7). */
export function newBranch(): string {
  return `z9hG4bK${randomBytes(10).toString('hex')}`;
}

export function newTag(): string {
  return randomBytes(6).toString('hex');
}

export interface ClientTransactionHandlers {
  onResponse(res: SipResponse): void;
  /** No final response in 64×T1, or the transport failed. */
  onTimeout(): void;
}

interface ClientTx {
  readonly id: string;
  readonly request: SipRequest;
  readonly peer: SipPeer;
  readonly handlers: ClientTransactionHandlers;
  gotProvisional: boolean;
  final: SipResponse | null;
  retransmit: ReturnType<typeof setTimeout> | null;
  timeout: ReturnType<typeof setTimeout> | null;
  interval: number;
}

function branchOf(msg: { headers: SipHeaders }): string | undefined {
  const top = headerValues(msg, 'via')[0];
  if (!top) return undefined;
  try {
    return parseVia(top).params.get('branch');
  } catch {
    return undefined;
  }
}

/** Transactions of one UA over one transport. */
export class TransactionLayer {
  private readonly clients = new Map<string, ClientTx>();
  private readonly answered = new Map<string, { response: SipResponse; peer: SipPeer }>();
  private closed = false;

  constructor(
    private readonly transport: SipTransport,
    private readonly timers: SipTimers = DEFAULT_TIMERS,
  ) {}

  /** Sends `request` (its top Via carries a fresh branch) and reports responses until the final one. */
  request(request: SipRequest, peer: SipPeer, handlers: ClientTransactionHandlers): void {
    const branch = branchOf(request) ?? '';
    const tx: ClientTx = {
      id: `${branch}|${request.method}`,
      request,
      peer,
      handlers,
      gotProvisional: false,
      final: null,
      retransmit: null,
      timeout: null,
      interval: this.timers.t1Ms,
    };
    this.clients.set(tx.id, tx);
    this.send(request, peer, () => this.fail(tx));
    if (peer.transport === 'udp') this.scheduleRetransmit(tx);
    tx.timeout = setTimeout(() => this.fail(tx), 64 * this.timers.t1Ms);
  }

  /** Sends a message outside any client transaction (ACK for a 2xx, responses). */
  send(msg: SipRequest | SipResponse, peer: SipPeer, onError?: () => void): void {
    if (this.closed) return;
    this.transport.send(msg, peer).catch(() => onError?.());
  }

  /**
   * Handles a response; returns false when no transaction knows it (a retransmitted 2xx after the
   * transaction ended: the dialog must ACK it again).
   */
  receiveResponse(res: SipResponse): boolean {
    let method: string;
    try {
      method = parseCSeq(header(res, 'cseq')).method;
    } catch {
      return true;
    }
    const tx = this.clients.get(`${branchOf(res) ?? ''}|${method}`);
    if (!tx) return false;
    if (res.status < 200) {
      if (tx.final) return true;
      tx.gotProvisional = true;
      if (tx.request.method === 'INVITE') {
        // Proceeding: no more retransmissions and no timer B; the call may ring for minutes.
        this.stopRetransmit(tx);
        if (tx.timeout) clearTimeout(tx.timeout);
        tx.timeout = null;
      } else tx.interval = this.timers.t2Ms;
      tx.handlers.onResponse(res);
      return true;
    }
    if (tx.final) {
      // A retransmitted final: repeat our ACK for a non-2xx; a 2xx goes to the dialog again.
      if (tx.request.method === 'INVITE' && res.status >= 300) this.send(ackFor(tx.request, res), tx.peer);
      if (res.status < 300) tx.handlers.onResponse(res);
      return true;
    }
    tx.final = res;
    this.stopRetransmit(tx);
    if (tx.timeout) clearTimeout(tx.timeout);
    if (tx.request.method === 'INVITE' && res.status >= 300) this.send(ackFor(tx.request, res), tx.peer);
    // Kept for 64×T1 so retransmitted finals are absorbed (timer D/K).
    tx.timeout = setTimeout(() => this.clients.delete(tx.id), 64 * this.timers.t1Ms);
    tx.handlers.onResponse(res);
    return true;
  }

  /** The answer sent earlier to this request's transaction, if the request is a retransmission. */
  answeredBefore(req: SipRequest): { response: SipResponse; peer: SipPeer } | undefined {
    return this.answered.get(`${branchOf(req) ?? ''}|${req.method}`);
  }

  /** Sends a response to a request and remembers it for the request's retransmissions. */
  respond(req: SipRequest, response: SipResponse, peer: SipPeer): void {
    if (req.method !== 'ACK') {
      const id = `${branchOf(req) ?? ''}|${req.method}`;
      this.answered.set(id, { response, peer });
      setTimeout(() => this.answered.delete(id), 64 * this.timers.t1Ms).unref();
    }
    this.send(response, peer);
  }

  private scheduleRetransmit(tx: ClientTx): void {
    tx.retransmit = setTimeout(() => {
      if (tx.final || this.closed) return;
      this.send(tx.request, tx.peer);
      tx.interval = tx.request.method === 'INVITE' ? tx.interval * 2 : Math.min(tx.interval * 2, this.timers.t2Ms);
      this.scheduleRetransmit(tx);
    }, tx.interval);
  }

  private stopRetransmit(tx: ClientTx): void {
    if (tx.retransmit) clearTimeout(tx.retransmit);
    tx.retransmit = null;
  }

  private fail(tx: ClientTx): void {
    if (tx.final || !this.clients.has(tx.id)) return;
    this.stopRetransmit(tx);
    if (tx.timeout) clearTimeout(tx.timeout);
    this.clients.delete(tx.id);
    tx.handlers.onTimeout();
  }

  /** Stops every timer; pending transactions report nothing more. */
  close(): void {
    this.closed = true;
    for (const tx of this.clients.values()) {
      this.stopRetransmit(tx);
      if (tx.timeout) clearTimeout(tx.timeout);
    }
    this.clients.clear();
    this.answered.clear();
  }
}

/** The ACK for a non-2xx final response: same branch, Request-URI, Route and CSeq number (§17.1.1.3). */
function ackFor(invite: SipRequest, res: SipResponse): SipRequest {
  const headers: SipHeaders = [['Via', headerValues(invite, 'via')[0] ?? '']];
  for (const r of headerValues(invite, 'route')) headers.push(['Route', r]);
  headers.push(
    ['Max-Forwards', '70'],
    ['From', header(invite, 'from') ?? ''],
    ['To', header(res, 'to') ?? ''],
    ['Call-ID', header(invite, 'call-id') ?? ''],
    ['CSeq', `${parseCSeq(header(invite, 'cseq')).seq} ACK`],
  );
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: Buffer.alloc(0) };
}
