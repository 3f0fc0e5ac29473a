import type { CarrierLeg } from '../channels/carrier';
import { AizuchiError } from '../domain/errors';

/** place() on a carrier after close(): a stopping process dials nobody (another process's job may retry the attempt). */
export class CarrierClosedError extends AizuchiError {
  constructor(carrier: string) {
    super(`${carrier} carrier: closed`, { code: 'carrier_closed', retryable: true });
  }
}

/**
 * The legs a REST carrier (Twilio, Telnyx) placed from this process and has not hung up, so
 * close() can hang them up (Carrier.close: "calls in progress are hung up"). The vendor tells the
 * webhooks, not the adapter, when a call ends, so entries older than `maxAgeMs` (default 4 h, past
 * any call's ring time plus the longest recovery call) are dropped instead; hanging up an
 * already-ended leg is harmless anyway.
 */
export class LiveLegs {
  private readonly legs = new Map<string, { leg: CarrierLeg; at: number }>();
  private closedFlag = false;

  constructor(
    private readonly carrier: string,
    private readonly maxAgeMs = 4 * 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws CarrierClosedError once close() began. */
  assertOpen(): void {
    if (this.closedFlag) throw new CarrierClosedError(this.carrier);
  }

  add(leg: CarrierLeg): void {
    const now = this.now();
    for (const [id, entry] of this.legs) if (now - entry.at > this.maxAgeMs) this.legs.delete(id);
    this.legs.set(leg.carrierCallId, { leg, at: now });
  }

  delete(leg: CarrierLeg): void {
    this.legs.delete(leg.carrierCallId);
  }

  /** Marks the carrier closed and hands back what is still up (and forgets it). */
  close(): CarrierLeg[] {
    this.closedFlag = true;
    const legs = [...this.legs.values()].map((e) => e.leg);
    this.legs.clear();
    return legs;
  }
}
