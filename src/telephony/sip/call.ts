import { randomInt } from 'node:crypto';
import type { CallProgress } from '../../channels/carrier';
import { AizuchiError } from '../../domain/errors';
import { dtmfFromInfo } from './info-dtmf';
import { header, headerValues, parseCSeq, parseNameAddr, responseTo, type SipHeaders, type SipRequest, type SipResponse } from './message';
import { createRtpChannel, type DatagramPort, type RtpAudioChannel } from './rtp-channel';
import { buildOffer, negotiateAnswer, parseSdp } from './sdp';
import { newTag } from './transaction';
import { ALLOW, type DialogHandler, type SipUserAgent } from './ua';

/**
 * One outbound call as a SIP dialog (RFC 3261 §12–15, TELEPHONY.md §4.1): INVITE with our SDP
 * offer, digest retry on 401/407, 1xx → ringing, 2xx → ACK and RTP, ring timeout → CANCEL, BYE
 * either way, and the far end's in-dialog requests (re-INVITE/UPDATE get our same SDP, INFO keys).
 */

export class SipCallError extends AizuchiError {
  readonly sipCode: number | undefined;
  constructor(message: string, options: { code: string; retryable: boolean; sipCode?: number }) {
    super(message, { code: options.code, retryable: options.retryable });
    this.sipCode = options.sipCode;
  }
}

type Ended = Extract<CallProgress, { kind: 'ended' }>;

/** How a final non-2xx response ends the attempt (RFC 3261 §21; §4.1's list). */
export function outcomeOf(status: number): Ended['result'] {
  if (status === 486 || status === 600) return 'busy';
  if (status === 408 || status === 480 || status === 487) return 'no_answer';
  if (status === 603) return 'cancelled';
  return 'failed';
}

export interface SipCallEvents {
  progress(p: CallProgress): void;
  /** The far end answered; media flows on `channel`. */
  answered(channel: RtpAudioChannel): void;
}

export interface SipCallOptions {
  readonly ua: SipUserAgent;
  /** Request-URI, e.g. sip:+81312345678@pbx.example.com. */
  readonly target: string;
  readonly ringTimeoutMs: number;
  /** Our From URI for this call (the caller ID for the case's language); the UA's default otherwise. */
  readonly from?: string;
  /** The RTP port already bound for this call and the port number to put in the SDP. */
  readonly rtp: { port: DatagramPort; localPort: number };
  readonly events: SipCallEvents;
}

type State = 'calling' | 'early' | 'confirmed' | 'terminated';

export class OutboundSipCall implements DialogHandler {
  readonly callId: string;
  /** Resolves when the trunk took the INVITE (first provisional or 2xx); rejects with SipCallError otherwise. */
  readonly accepted: Promise<void>;
  private state: State = 'calling';
  private readonly localTag = newTag();
  private remoteTag = '';
  private remoteTarget = '';
  private routes: string[] = [];
  private cseq = randomInt(1, 10_000);
  private invite!: SipRequest;
  private authTries = 0;
  private ack: SipRequest | null = null;
  private cancelReason: 'no_answer' | 'cancelled' | null = null;
  private cancelSent = false;
  private ringTimer: ReturnType<typeof setTimeout> | null;
  private channel: RtpAudioChannel | null = null;
  private readonly sdp: string;
  private settle!: { resolve: () => void; reject: (e: SipCallError) => void; done: boolean };
  private reportedRinging = false;

  constructor(private readonly o: SipCallOptions) {
    this.callId = o.ua.newCallId();
    this.sdp = buildOffer({ address: o.ua.publicHost, port: o.rtp.localPort, sessionId: String(randomInt(1, 2 ** 31)), version: 1 });
    this.accepted = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject, done: false };
    });
    this.accepted.catch(() => undefined); // the carrier awaits it; an unawaited rejection must not crash the process
    o.ua.addDialog(this.callId, this);
    this.sendInvite(null);
    this.ringTimer = setTimeout(() => this.giveUp('no_answer'), o.ringTimeoutMs);
  }

  /** Ends the call from our side: CANCEL while ringing, BYE once answered. Idempotent. */
  hangup(): void {
    if (this.state === 'confirmed') this.channel?.close('hangup');
    else this.giveUp('cancelled');
  }

  get ended(): boolean {
    return this.state === 'terminated';
  }

  private fromHeader(): string {
    return `<${this.o.from ?? this.o.ua.fromUri}>;tag=${this.localTag}`;
  }

  private sendInvite(auth: [string, string] | null): void {
    this.cseq++;
    const headers: SipHeaders = [
      ['From', this.fromHeader()],
      ['To', `<${this.o.target}>`],
      ['Call-ID', this.callId],
      ['CSeq', `${this.cseq} INVITE`],
      ['Allow', ALLOW],
    ];
    if (auth) headers.push(auth);
    const req = this.o.ua.buildRequest('INVITE', this.o.target, headers, { type: 'application/sdp', content: this.sdp });
    this.invite = req;
    this.o.ua.request(req, {
      onResponse: (res) => this.onInviteResponse(req, res),
      onTimeout: () => {
        if (req === this.invite && this.state !== 'terminated' && this.state !== 'confirmed')
          this.fail(408, 'no response from the SIP trunk');
      },
    });
  }

  private accept(): void {
    if (this.settle.done) return;
    this.settle.done = true;
    this.settle.resolve();
  }

  private onInviteResponse(req: SipRequest, res: SipResponse): void {
    if (req !== this.invite) return;
    if (res.status < 200) {
      if (this.state === 'terminated') return;
      this.state = 'early';
      this.accept();
      if (this.cancelReason && !this.cancelSent) this.sendCancel();
      if ((res.status === 180 || res.status === 183) && !this.reportedRinging) {
        this.reportedRinging = true;
        this.o.events.progress({ kind: 'ringing' });
      }
      return;
    }
    if (res.status < 300) return this.onAnswer(res);
    if ((res.status === 401 || res.status === 407) && this.state !== 'terminated' && !this.cancelReason && this.authTries < 2) {
      const auth = this.o.ua.credentialsFor(res, req);
      this.authTries++;
      if (auth) return this.sendInvite(auth);
    }
    if (this.cancelReason) return this.finish({ kind: 'ended', result: this.cancelReason, sipCode: res.status });
    this.fail(res.status, `the SIP trunk answered ${res.status}`);
  }

  private onAnswer(res: SipResponse): void {
    if (this.state === 'confirmed') return this.handleRetransmitted2xx(res);
    this.remoteTag = parseNameAddr(header(res, 'to') ?? '').params.get('tag') ?? '';
    this.remoteTarget = parseNameAddr(header(res, 'contact') ?? `<${this.o.target}>`).uri;
    this.routes = headerValues(res, 'record-route').reverse();
    this.ack = this.inDialog('ACK', parseCSeq(header(res, 'cseq')).seq);
    this.o.ua.sendAck(this.ack);
    if (this.state === 'terminated' || this.cancelReason) {
      // Our CANCEL crossed the 200: the call is up, so only a BYE ends it (§4.1).
      this.state = 'confirmed';
      this.sendBye();
      return this.finish({ kind: 'ended', result: this.cancelReason ?? 'cancelled' });
    }
    let negotiated;
    try {
      negotiated = negotiateAnswer(parseSdp(res.body.toString('utf8')));
    } catch {
      this.state = 'confirmed';
      this.sendBye();
      return this.fail(488, 'the SDP answer is unusable');
    }
    this.state = 'confirmed';
    this.clearRing();
    this.accept();
    const channel = createRtpChannel({
      port: this.o.rtp.port,
      remote: { address: negotiated.remoteAddress, port: negotiated.remotePort },
      payloadType: negotiated.payloadType,
      law: negotiated.law,
      telephoneEventPt: negotiated.telephoneEventPt,
      onLocalClose: () => {
        this.sendBye();
        this.finish({ kind: 'ended', result: 'completed' });
      },
    });
    this.channel = channel;
    channel.startSilence();
    this.o.events.progress({ kind: 'answered' });
    this.o.events.answered(channel);
  }

  handleRetransmitted2xx(res: SipResponse): void {
    if (this.ack && (parseNameAddr(header(res, 'to') ?? '').params.get('tag') ?? '') === this.remoteTag) this.o.ua.sendAck(this.ack);
  }

  handleRequest(req: SipRequest): SipResponse | null {
    const tag = parseNameAddr(header(req, 'to') ?? '').params.get('tag');
    if (req.method === 'ACK') return null;
    if (tag !== this.localTag || this.state !== 'confirmed') return responseTo(req, 481, 'Call/Transaction Does Not Exist');
    switch (req.method) {
      case 'BYE':
        this.state = 'terminated';
        this.channel?.remoteClosed('caller hung up');
        this.finish({ kind: 'ended', result: 'completed' });
        return responseTo(req, 200, 'OK');
      case 'INFO': {
        const keys = dtmfFromInfo(header(req, 'content-type'), req.body);
        if (keys) this.channel?.receiveDtmf(keys);
        return responseTo(req, 200, 'OK');
      }
      case 'INVITE':
      case 'UPDATE':
        // A refresh or hold: we keep sending and answer with the same SDP (same o= version), §4.1.
        return responseTo(
          req,
          200,
          'OK',
          [
            ['Contact', this.o.ua.contact()],
            ['Allow', ALLOW],
            ['Content-Type', 'application/sdp'],
          ],
          Buffer.from(this.sdp),
        );
      case 'OPTIONS':
        return responseTo(req, 200, 'OK', [['Allow', ALLOW]]);
      default:
        return responseTo(req, 405, 'Method Not Allowed', [['Allow', ALLOW]]);
    }
  }

  /** A request inside the dialog (ACK takes the INVITE's CSeq number, others the next one). */
  private inDialog(method: string, seq?: number): SipRequest {
    const headers: SipHeaders = this.routes.map((r): [string, string] => ['Route', r]);
    headers.push(
      ['From', this.fromHeader()],
      ['To', `<${this.o.target}>;tag=${this.remoteTag}`],
      ['Call-ID', this.callId],
      ['CSeq', `${seq ?? ++this.cseq} ${method}`],
    );
    return this.o.ua.buildRequest(method, this.remoteTarget, headers);
  }

  private sendBye(auth?: [string, string], tries = 0): void {
    const bye = this.inDialog('BYE');
    if (auth) bye.headers.push(auth);
    this.o.ua.request(bye, {
      onResponse: (res) => {
        if ((res.status === 401 || res.status === 407) && tries < 1) {
          const creds = this.o.ua.credentialsFor(res, bye);
          if (creds) this.sendBye(creds, tries + 1);
        }
      },
      onTimeout: () => undefined,
    });
  }

  private sendCancel(): void {
    this.cancelSent = true;
    const headers: SipHeaders = [['Via', headerValues(this.invite, 'via')[0] ?? '']];
    for (const r of headerValues(this.invite, 'route')) headers.push(['Route', r]);
    headers.push(
      ['Max-Forwards', '70'],
      ['From', header(this.invite, 'from') ?? ''],
      ['To', header(this.invite, 'to') ?? ''],
      ['Call-ID', this.callId],
      ['CSeq', `${parseCSeq(header(this.invite, 'cseq')).seq} CANCEL`],
    );
    const cancel: SipRequest = { kind: 'request', method: 'CANCEL', uri: this.invite.uri, headers, body: Buffer.alloc(0) };
    this.o.ua.request(cancel, { onResponse: () => undefined, onTimeout: () => undefined });
  }

  /** Ring timeout or our hang-up before an answer: CANCEL (once a provisional came; before that it waits for one). */
  private giveUp(reason: 'no_answer' | 'cancelled'): void {
    this.clearRing();
    if (this.state === 'terminated' || this.state === 'confirmed' || this.cancelReason) return;
    this.cancelReason = reason;
    if (this.state === 'early') this.sendCancel();
  }

  private fail(status: number, message: string): void {
    if (!this.settle.done) {
      this.settle.done = true;
      const retryable =
        status === 408 || status === 480 || status === 486 || status === 500 || status === 503 || status === 504 || status === 600;
      this.settle.reject(new SipCallError(message, { code: `sip_${status}`, retryable, sipCode: status }));
      this.finish(null);
      return;
    }
    this.finish({ kind: 'ended', result: outcomeOf(status), sipCode: status });
  }

  private finish(progress: Ended | null): void {
    if (this.finished) return;
    this.finished = true;
    this.state = 'terminated';
    this.clearRing();
    if (this.channel) this.channel.remoteClosed('ended');
    else this.o.rtp.port.close();
    if (!this.settle.done) {
      // Ended before the trunk took the INVITE (our own hang-up while nothing answered yet).
      this.settle.done = true;
      this.settle.reject(new SipCallError('the call ended before the trunk answered', { code: 'sip_cancelled', retryable: false }));
    } else if (progress) this.o.events.progress(progress);
    // Keep answering retransmissions for a while (64×T1), then forget the dialog.
    setTimeout(() => this.o.ua.forget(this.callId), 32_000).unref();
  }

  private finished = false;

  private clearRing(): void {
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.ringTimer = null;
  }
}
