import { header, parseNameAddr, type SipResponse } from './message';
import { newTag } from './transaction';
import type { SipUserAgent } from './ua';

/**
 * Optional registration with the trunk (RFC 3261 §10, TELEPHONY.md §4.3): REGISTER our Contact
 * for `expiresSec`, answer the digest challenge, honour 423 Min-Expires, and refresh at half the
 * granted time. A failure is retried after `retryMs`; calls do not wait for it (many trunks
 * authenticate each INVITE instead).
 */
export class Registration {
  private readonly callId: string;
  private readonly tag = newTag();
  private cseq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private firstDone!: () => void;
  /** Resolves after the first attempt finished, registered or not. */
  readonly firstAttempt = new Promise<void>((resolve) => (this.firstDone = resolve));
  registered = false;
  lastStatus: number | null = null;

  constructor(
    private readonly ua: SipUserAgent,
    private readonly expiresSec: number,
    private readonly retryMs = 30_000,
  ) {
    this.callId = ua.newCallId();
  }

  start(): void {
    this.send(this.expiresSec, null, 0);
  }

  private send(expires: number, auth: [string, string] | null, tries: number): void {
    if (this.stopped && expires !== 0) return;
    const aor = `<${this.ua.fromUri}>`;
    const registrar = `sip:${this.ua.options.trunk.host}${this.ua.options.trunk.port === 5060 ? '' : `:${this.ua.options.trunk.port}`}`;
    const req = this.ua.buildRequest('REGISTER', registrar, [
      ['From', `${aor};tag=${this.tag}`],
      ['To', aor],
      ['Call-ID', this.callId],
      ['CSeq', `${++this.cseq} REGISTER`],
      ['Expires', String(expires)],
      ...(auth ? [auth] : []),
    ]);
    this.ua.request(req, {
      onResponse: (res) => {
        if (res.status < 200 || expires === 0) return;
        if ((res.status === 401 || res.status === 407) && tries < 2) {
          const creds = this.ua.credentialsFor(res, req);
          if (creds) return this.send(expires, creds, tries + 1);
        }
        if (res.status === 423 && tries < 2) {
          const min = Number(header(res, 'min-expires'));
          if (Number.isInteger(min) && min > 0 && min <= 86_400) return this.send(min, auth, tries + 1);
        }
        this.done(res);
      },
      onTimeout: () => {
        if (expires !== 0) this.done(null);
      },
    });
  }

  private done(res: SipResponse | null): void {
    this.lastStatus = res?.status ?? 408;
    this.registered = res !== null && res.status >= 200 && res.status < 300;
    this.firstDone();
    if (this.stopped) return;
    const granted = this.registered ? grantedExpires(res!, this.expiresSec) : 0;
    this.timer = setTimeout(() => this.send(this.expiresSec, null, 0), this.registered ? Math.max(granted * 500, 5_000) : this.retryMs);
  }

  /** Stops refreshing and unregisters (Expires: 0), best effort. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.registered) this.send(0, null, 0);
    this.registered = false;
  }
}

/** The expiry the registrar granted: our Contact's expires parameter, else Expires, else what we asked. */
function grantedExpires(res: SipResponse, asked: number): number {
  const contact = header(res, 'contact');
  const fromContact = contact ? Number(parseNameAddr(contact).params.get('expires')) : NaN;
  if (Number.isFinite(fromContact) && fromContact > 0) return fromContact;
  const fromHeader = Number(header(res, 'expires'));
  return Number.isFinite(fromHeader) && fromHeader > 0 ? fromHeader : asked;
}
