import type { Carrier, CarrierEvents, CarrierLeg, CallProgress, OutboundCallRequest } from '../../channels/carrier';
import { errorFields } from '../../domain/errors';
import { OutboundSipCall } from './call';
import { Registration } from './register';
import { bindRtpPort } from './rtp-channel';
import type { SipTimers } from './transaction';
import { parseTrunk, SipConfigError, SipUserAgent } from './ua';

/**
 * The `sip` Carrier (issue 8): places calls through a SIP trunk or PBX and carries their media
 * itself, so an answered call goes straight to `events.answered` with its RTP channel. The leg id
 * is the SIP Call-ID.
 */

export interface SipCarrierOptions {
  /** AIZUCHI_SIP_TRUNK, e.g. `sip:pbx.example.com:5060;transport=udp`. */
  readonly trunk: string;
  readonly user?: string;
  readonly password?: string;
  /** AIZUCHI_SIP_FROM: a SIP URI or a user part (an E.164 caller ID) put on the trunk's host. */
  readonly from: string;
  /** AIZUCHI_SIP_FROM_JA / _EN: the caller ID for cases in that language, instead of `from`. */
  readonly fromByLang?: { readonly ja?: string; readonly en?: string };
  /** AIZUCHI_SIP_LISTEN, `host:port`. */
  readonly listen: string;
  /** AIZUCHI_SIP_PUBLIC_HOST: the address the trunk reaches us at, when not the listen host (NAT). */
  readonly publicHost?: string;
  /** AIZUCHI_SIP_RTP_PORTS, `min-max`. */
  readonly rtpPorts: string;
  /** REGISTER with the trunk for this many seconds (refreshed), or 0 for no registration. */
  readonly registerExpiresSec: number;
  readonly timers?: SipTimers;
}

export interface SipCarrierLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** `host:port` (IPv6 in brackets) → parts. Throws SipConfigError. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new SipConfigError('AIZUCHI_SIP_LISTEN must be host:port, e.g. 127.0.0.1:5070');
  return { host: m[1] ?? m[2]!, port };
}

/** `20000-20999` → bounds. Throws SipConfigError. */
export function parsePortRange(text: string): { min: number; max: number } {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1024 || max > 65535 || max - min < 1) throw new SipConfigError('AIZUCHI_SIP_RTP_PORTS must be min-max within 1024-65535');
  return { min, max };
}

export class SipCarrier implements Carrier {
  readonly name = 'sip' as const;
  private readonly trunk;
  private readonly listen;
  private readonly rtpPorts;
  private ua: Promise<SipUserAgent> | null = null;
  private registration: Registration | null = null;
  private readonly calls = new Map<string, OutboundSipCall>();
  private closed = false;

  constructor(
    private readonly options: SipCarrierOptions,
    private readonly events: CarrierEvents,
    private readonly log?: SipCarrierLog,
  ) {
    // Checked here so a bad value fails at boot, not at the first call.
    this.trunk = parseTrunk(options.trunk);
    this.listen = parseListen(options.listen);
    this.rtpPorts = parsePortRange(options.rtpPorts);
  }

  /** Starts listening (and registering, when configured); place() calls it too. */
  start(): Promise<SipUserAgent> {
    this.ua ??= SipUserAgent.start({
      trunk: this.trunk,
      listenHost: this.listen.host,
      listenPort: this.listen.port,
      from: this.options.from,
      ...(this.options.publicHost ? { publicHost: this.options.publicHost } : {}),
      ...(this.options.user ? { user: this.options.user } : {}),
      ...(this.options.password ? { password: this.options.password } : {}),
      ...(this.options.timers ? { timers: this.options.timers } : {}),
    }).then(async (ua) => {
      if (this.options.registerExpiresSec > 0) {
        this.registration = new Registration(ua, this.options.registerExpiresSec);
        this.registration.start();
        await this.registration.firstAttempt;
      }
      return ua;
    });
    this.ua.catch(() => (this.ua = null)); // a failed start may be retried by the next place()
    return this.ua;
  }

  /** The registration's state, for health pages and tests (null when not registering). */
  registrationState(): { registered: boolean; lastStatus: number | null } | null {
    return this.registration ? { registered: this.registration.registered, lastStatus: this.registration.lastStatus } : null;
  }

  async place(req: OutboundCallRequest): Promise<CarrierLeg> {
    if (this.closed) throw new SipConfigError('the SIP carrier is closed');
    const ua = await this.start();
    const rtp = await bindRtpPort(this.listen.host, this.rtpPorts.min, this.rtpPorts.max);
    const port = this.trunk.port === 5060 ? '' : `:${this.trunk.port}`;
    let leg: CarrierLeg | null = null;
    const early: CallProgress[] = [];
    const report = (p: CallProgress) => {
      if (!leg) return void early.push(p);
      this.events.progress(leg, p).catch((error: unknown) => this.log?.warn(errorFields(error), 'sip progress report failed'));
    };
    const call = new OutboundSipCall({
      ua,
      target: `sip:${req.toE164}@${this.trunk.host}${port}`,
      ringTimeoutMs: req.ringTimeoutSec * 1000,
      from: ua.uriFor(this.options.fromByLang?.[req.lang] ?? this.options.from),
      rtp,
      events: {
        progress: (p) => {
          if (p.kind === 'ended') this.calls.delete(call.callId);
          report(p);
        },
        answered: (channel) => {
          const answeredLeg: CarrierLeg = { carrier: 'sip', carrierCallId: call.callId };
          this.events.answered(req.mediaToken, channel, answeredLeg).then(
            (r) => {
              if (!r.ok) channel.close(`media token ${r.reason}`);
            },
            (error: unknown) => {
              this.log?.warn(errorFields(error), 'sip answered hand-off failed');
              channel.close('hand-off failed');
            },
          );
        },
      },
    });
    this.calls.set(call.callId, call);
    try {
      await call.accepted;
    } catch (error) {
      this.calls.delete(call.callId);
      throw error;
    }
    leg = { carrier: 'sip', carrierCallId: call.callId };
    // Progress that came before the trunk took the INVITE goes out once the caller has the leg.
    const placed = leg;
    setImmediate(() => {
      for (const p of early.splice(0)) this.events.progress(placed, p).catch(() => undefined);
    });
    return leg;
  }

  async hangup(leg: CarrierLeg): Promise<void> {
    this.calls.get(leg.carrierCallId)?.hangup();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.calls.values()) call.hangup();
    this.calls.clear();
    this.registration?.stop();
    const ua = await this.ua?.catch(() => null);
    if (ua) {
      // Let the BYE/CANCEL/un-REGISTER leave before the socket closes.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await ua.close();
    }
  }
}
