import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { digestResponse, type DigestAlgorithm } from '../digest';
import {
  header,
  parseCSeq,
  parseNameAddr,
  parseSipDatagram,
  responseTo,
  serializeSip,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../message';

/**
 * A small SIP trunk-and-phone in one UDP socket for tests of what baresip cannot do (SHA-256
 * digest, re-INVITE, SIP INFO keys, a 200 crossing our CANCEL, refusals on demand). It speaks
 * RFC 3261 on the wire through the same message module, and checks our digest answers itself.
 */

export type TrunkCallState = 'ringing' | 'up' | 'ended';

export interface TestTrunkOptions {
  /** Challenge INVITE (407) and REGISTER (401) with this algorithm, or accept everything. */
  readonly challenge?: DigestAlgorithm | null;
  readonly password?: string;
  /** `answer`: 180 then 200; `ring`: 180 only; a number: that final status after 100. */
  readonly behaviour?: 'answer' | 'ring' | number;
  /** For `ring`: answer 200 to the INVITE when our CANCEL comes (the crossing case). */
  readonly answerOnCancel?: boolean;
  /** Contact expires granted to a REGISTER. */
  readonly registerExpiresSec?: number;
}

interface TrunkCall {
  invite: SipRequest;
  state: TrunkCallState;
  toTag: string;
  aor: { address: string; port: number };
}

export class TestTrunk {
  readonly requests: SipRequest[] = [];
  private readonly calls = new Map<string, TrunkCall>();
  private readonly nonce = randomBytes(8).toString('hex');
  private refuse: number | null = null;
  private cseq = 100;
  /** Responses our UA sent the trunk. */
  readonly responses: SipResponse[] = [];
  private readonly waiters: Array<() => void> = [];

  private constructor(
    private readonly socket: dgram.Socket,
    readonly port: number,
    private readonly o: TestTrunkOptions,
  ) {
    socket.on('message', (buf, rinfo) => {
      let msg: SipMessage;
      try {
        msg = parseSipDatagram(buf);
      } catch {
        return;
      }
      if (msg.kind === 'request') this.onRequest(msg, { address: rinfo.address, port: rinfo.port });
      else this.responses.push(msg);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async start(o: TestTrunkOptions = {}): Promise<TestTrunk> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new TestTrunk(socket, socket.address().port, o);
  }

  get uri(): string {
    return `sip:127.0.0.1:${this.port};transport=udp`;
  }

  /** The next INVITE gets this final status at once, with no provisional. */
  refuseNext(status: number): void {
    this.refuse = status;
  }

  state(callId: string): TrunkCallState | undefined {
    return this.calls.get(callId)?.state;
  }

  /** Resolves once `check` holds (re-checked on every message). */
  until<T>(check: () => T | undefined | false): Promise<T> {
    return new Promise((resolve) => {
      const again = () => {
        const v = check();
        if (v) resolve(v);
        else this.waiters.push(again);
      };
      again();
    });
  }

  /** Sends an in-dialog request from the phone's side (BYE, INFO, re-INVITE) and resolves with our UA's response. */
  async inDialog(callId: string, method: string, body?: { type: string; content: string }): Promise<SipResponse> {
    const call = this.calls.get(callId)!;
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch}`],
      ['From', `${header(call.invite, 'to')};tag=${call.toTag}`],
      ['To', header(call.invite, 'from') ?? ''],
      ['Call-ID', callId],
      ['CSeq', `${++this.cseq} ${method}`],
      ['Contact', `<sip:phone@127.0.0.1:${this.port}>`],
    ];
    if (body) headers.push(['Content-Type', body.type]);
    const req: SipRequest = {
      kind: 'request',
      method,
      uri: parseNameAddr(header(call.invite, 'contact') ?? '').uri,
      headers,
      body: Buffer.from(body?.content ?? ''),
    };
    if (method === 'BYE') call.state = 'ended';
    this.send(req, call.aor);
    return this.until(() => this.responses.find((r) => header(r, 'via')?.includes(branch) && r.status >= 200));
  }

  /** Sends any datagram to our UA from the trunk's own socket. */
  sendRaw(bytes: Buffer, to: { address: string; port: number }): void {
    this.socket.send(bytes, to.port, to.address);
  }

  private send(msg: SipMessage, to: { address: string; port: number }): void {
    this.socket.send(serializeSip(msg), to.port, to.address);
  }

  private authorized(req: SipRequest, headerName: string): boolean {
    const value = header(req, headerName);
    if (!value || !this.o.challenge) return false;
    const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(value)?.[1];
    const expected = digestResponse({
      algorithm: this.o.challenge,
      username: field('username') ?? '',
      password: this.o.password ?? '',
      realm: 'test-trunk',
      method: req.method,
      uri: field('uri') ?? '',
      nonce: this.nonce,
      qop: 'auth',
      nc: field('nc') ?? '',
      cnonce: field('cnonce') ?? '',
    });
    return field('response') === expected && field('uri') === req.uri;
  }

  private challenge(req: SipRequest, status: 401 | 407, from: { address: string; port: number }): void {
    const name = status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const value = `Digest realm="test-trunk", nonce="${this.nonce}", qop="auth", algorithm=${this.o.challenge}`;
    this.send(responseTo(req, status, 'Unauthorized', [[name, value]], undefined, 'chal'), from);
  }

  private onRequest(req: SipRequest, from: { address: string; port: number }): void {
    this.requests.push(req);
    const callId = header(req, 'call-id') ?? '';
    const call = this.calls.get(callId);
    if (req.method === 'REGISTER') {
      if (this.o.challenge && !this.authorized(req, 'authorization')) return this.challenge(req, 401, from);
      const expires = this.o.registerExpiresSec ?? 3600;
      return this.send(responseTo(req, 200, 'OK', [['Contact', `${header(req, 'contact')};expires=${expires}`]], undefined, 'reg'), from);
    }
    if (req.method === 'ACK') return;
    if (req.method === 'INVITE' && !parseNameAddr(header(req, 'to') ?? '').params.has('tag')) {
      if (this.o.challenge && !this.authorized(req, 'proxy-authorization')) return this.challenge(req, 407, from);
      if (this.refuse !== null) {
        const status = this.refuse;
        this.refuse = null;
        return this.send(responseTo(req, status, 'Refused', [], undefined, 'ref'), from);
      }
      const toTag = randomBytes(4).toString('hex');
      this.calls.set(callId, { invite: req, state: 'ringing', toTag, aor: from });
      this.send(responseTo(req, 100, 'Trying'), from);
      const b = this.o.behaviour ?? 'answer';
      if (typeof b === 'number') {
        this.calls.get(callId)!.state = 'ended';
        return this.send(responseTo(req, b, 'Final', [], undefined, toTag), from);
      }
      this.send(responseTo(req, 180, 'Ringing', [], undefined, toTag), from);
      if (b === 'answer') this.answer(callId);
      return;
    }
    if (req.method === 'CANCEL' && call) {
      this.send(responseTo(req, 200, 'OK'), from);
      if (this.o.answerOnCancel) return this.answer(callId);
      call.state = 'ended';
      return this.send(responseTo(call.invite, 487, 'Request Terminated', [], undefined, call.toTag), from);
    }
    if (req.method === 'BYE' && call) {
      call.state = 'ended';
      return this.send(responseTo(req, 200, 'OK'), from);
    }
    this.send(responseTo(req, 481, 'Call/Transaction Does Not Exist'), from);
  }

  private answer(callId: string): void {
    const call = this.calls.get(callId)!;
    call.state = 'up';
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n';
    this.send(
      responseTo(
        call.invite,
        200,
        'OK',
        [
          ['Contact', `<sip:phone@127.0.0.1:${this.port}>`],
          ['Content-Type', 'application/sdp'],
        ],
        Buffer.from(sdp),
        call.toTag,
      ),
      call.aor,
    );
  }

  /** The CSeq method of every request seen for a call, in order. */
  methods(callId: string): string[] {
    return this.requests.filter((r) => header(r, 'call-id') === callId).map((r) => parseCSeq(header(r, 'cseq')).method);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
