import type { Lang } from '../domain/lang';
import type { AudioChannel } from './audio-channel';

/**
 * The seam between aizuchi's calls and whoever carries them to a real phone (Twilio, Telnyx, a SIP
 * trunk). A carrier adapter turns one vendor's wire (REST, webhooks, SIP) into these calls and
 * events; nothing past this file knows which vendor carries a call (issue 8).
 */

/** Carriers aizuchi can place outbound calls through (`AIZUCHI_TELEPHONY` other than `softphone`). */
export type CarrierName = 'twilio' | 'telnyx' | 'sip';

/**
 * Who carries a leg: a carrier aizuchi dials through, or `audiosocket` for a call an Asterisk PBX
 * hands over by AudioSocket (inbound only; its id is the stream's UUID).
 */
export type LegCarrier = CarrierName | 'audiosocket';

/** One call's carrier leg: the vendor and its own id (CallSid, call_control_id, SIP Call-ID, AudioSocket UUID). */
export interface CarrierLeg {
  readonly carrier: LegCarrier;
  readonly carrierCallId: string;
}

/**
 * Call progress as every carrier reports it. Carriers may report out of order (Twilio status
 * callbacks are separate requests): the receiver keeps the furthest state and ignores the rest.
 * - `machine`: an answering machine or voicemail picked up (carrier AMD, or the greeting-length
 *   heuristic when the carrier offers none).
 * - `ended`: terminal; `completed` after an answered call, the others when nobody (human) answered.
 *   `sipCode` when the carrier gives one (486 busy, 480/408 no answer, 487 cancelled).
 */
export type CallProgress =
  | { readonly kind: 'initiated' }
  | { readonly kind: 'ringing' }
  | { readonly kind: 'answered' }
  | { readonly kind: 'machine'; readonly source: 'carrier_amd' | 'greeting_heuristic' }
  | {
      readonly kind: 'ended';
      readonly result: 'completed' | 'busy' | 'no_answer' | 'failed' | 'cancelled';
      readonly sipCode?: number;
    };

/** What the outbound-call job asks a carrier to do for one attempt. */
export interface OutboundCallRequest {
  /** aizuchi's `calls.id`: the idempotency key where the vendor accepts one, and the correlation id in callbacks. */
  readonly callId: string;
  /** The number on record (or an operator-approved one), E.164 (`+81…`). */
  readonly toE164: string;
  /** The case's language: picks the caller ID (`AIZUCHI_*_FROM` per language) and the machine message. */
  readonly lang: Lang;
  /**
   * The single-use secret the answered call's media must present (a `<Parameter>` in Twilio's
   * `<Connect><Stream>`, Telnyx `client_state`/stream params); never put in a URL a carrier logs.
   * A SIP carrier, which carries the media itself, hands it straight back in `answered`.
   */
  readonly mediaToken: string;
  /** Seconds to ring before giving up (no answer). */
  readonly ringTimeoutSec: number;
}

/**
 * What a carrier adapter reports back. Implemented once by the carrier call service
 * (src/telephony/carrier); adapters and the media-stream endpoint only call it.
 */
export interface CarrierEvents {
  /**
   * Progress of an attempt, by the carrier's id for it. Idempotent, safe to call from any process
   * (a webhook may land on another web process than the one that dialled). Unknown legs resolve
   * quietly (a callback for a call another deployment placed must not 500 and be retried forever).
   */
  progress(leg: CarrierLeg, progress: CallProgress): Promise<void>;
  /**
   * The answered call's audio is here: spends `mediaToken` (single use) and resolves as soon as the
   * call is taken, so the adapter can release the caller's audio; the answering-machine gate and then
   * the agent run over `audio` from there (they need that audio to decide). `{ ok: false }` for an
   * unknown, used or expired token: the caller must close the media connection at once.
   */
  answered(
    mediaToken: string,
    audio: AudioChannel,
    leg: CarrierLeg | null,
  ): Promise<{ ok: true; callId: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'closed' }>;
}

/** One vendor's outbound calling, as the outbound-call job drives it. */
export interface Carrier {
  readonly name: CarrierName;
  /**
   * Asks the vendor to ring `req.toE164` and returns the vendor's leg id once it accepted the call.
   * Called from a durable job, never inside a database transaction. Rejects with an AizuchiError
   * whose `retryable` says whether the same attempt may be tried again (HTTP 429/5xx, timeouts)
   * or not (401, invalid number); a rejection must mean the vendor did not accept the call.
   */
  place(req: OutboundCallRequest): Promise<CarrierLeg>;
  /** Ends the leg if it is still up (an ended call is not an error). */
  hangup(leg: CarrierLeg): Promise<void>;
  /** Stops listeners and timers (SIP sockets); calls in progress are hung up. */
  close?(): Promise<void>;
}

/** A customer's call arriving at aizuchi's number, as the carrier's incoming-call webhook names it (issue 8 §5). */
export interface IncomingCall {
  readonly leg: CarrierLeg;
  /** The caller ID as the carrier gave it; E.164, or null when withheld or not a number ("anonymous"). */
  readonly from: string | null;
  /** The number the customer dialled (E.164 as the carrier gave it): picks the language. */
  readonly to: string;
}

/**
 * Incoming calls (call-in). `ring` runs for the carrier's signed incoming-call webhook and returns a
 * fresh single-use media token bound server-side to the call's leg and caller ID, for the answer's
 * `<Connect><Stream>` parameter; null when call-in is off (the adapter rejects the call). The media
 * stream then arrives at CarrierEvents.answered with that token like any answered call.
 */
export interface IncomingCalls {
  ring(call: IncomingCall): Promise<{ token: string } | null>;
}
