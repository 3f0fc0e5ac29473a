import type { AudioChannel } from '../audio-channel';
import type { CallProgress, Carrier, CarrierEvents, CarrierLeg, CarrierName, OutboundCallRequest } from '../carrier';
import { AizuchiError } from '../../domain/errors';

/** What the fake vendor refused a call with: `retryable` as a 429/5xx (true) or a 401/invalid number (false). */
export class FakeCarrierRefusal extends AizuchiError {
  constructor(retryable: boolean) {
    super(retryable ? 'fake carrier: busy, try again' : 'fake carrier: call refused', {
      code: retryable ? 'carrier_unavailable' : 'carrier_refused',
      retryable,
    });
  }
}

/** place() after close(): nothing may be dialled through a stopped carrier. */
export class FakeCarrierClosedError extends AizuchiError {
  constructor() {
    super('fake carrier: closed', { code: 'carrier_closed', retryable: false });
  }
}

/** One call the fake accepted. */
export interface FakePlacedCall {
  readonly request: OutboundCallRequest;
  readonly leg: CarrierLeg;
}

/**
 * A Carrier for tests: it speaks the interface (src/channels/carrier.ts) and no wire. It records
 * every accepted call, refuses the next ones when told, and lets a test play the vendor's side:
 * report progress for a leg and answer it with an AudioChannel (the token travels as a real
 * carrier would carry it, from the request to `answered`). `beforePlace` runs inside place(), before
 * the call is accepted: a test checks there that no database transaction is open.
 */
export class FakeCarrier implements Carrier {
  readonly name: CarrierName;
  readonly placed: FakePlacedCall[] = [];
  readonly hungUp: CarrierLeg[] = [];
  /** Calls to place(), accepted or not. */
  placeCalls = 0;
  closed = false;
  beforePlace: ((request: OutboundCallRequest) => Promise<void> | void) | null = null;
  private events: CarrierEvents | null = null;
  private readonly refusals: FakeCarrierRefusal[] = [];
  private readonly up = new Set<string>();
  private next = 1;

  constructor(options: { name?: CarrierName; events?: CarrierEvents } = {}) {
    this.name = options.name ?? 'sip';
    this.events = options.events ?? null;
  }

  /** Where the fake reports progress and answers (the carrier call service's CarrierEvents). */
  reportTo(events: CarrierEvents): void {
    this.events = events;
  }

  /** The next `count` place() calls are refused (`retryable` as a transient vendor error or not). */
  refuseNext(retryable: boolean, count = 1): void {
    for (let i = 0; i < count; i++) this.refusals.push(new FakeCarrierRefusal(retryable));
  }

  async place(request: OutboundCallRequest): Promise<CarrierLeg> {
    this.placeCalls++;
    if (this.closed) throw new FakeCarrierClosedError();
    await this.beforePlace?.(request);
    const refusal = this.refusals.shift();
    if (refusal) throw refusal;
    const leg: CarrierLeg = { carrier: this.name, carrierCallId: `fake-${this.name}-${this.next++}` };
    this.placed.push({ request, leg });
    this.up.add(leg.carrierCallId);
    return leg;
  }

  async hangup(leg: CarrierLeg): Promise<void> {
    if (this.up.delete(leg.carrierCallId)) this.hungUp.push(leg);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { leg } of this.placed) await this.hangup(leg);
  }

  /** Whether the leg is still up on the vendor's side. */
  isUp(leg: CarrierLeg): boolean {
    return this.up.has(leg.carrierCallId);
  }

  /** The far end ended the leg (the callee hung up, the network dropped it). */
  endRemotely(leg: CarrierLeg): void {
    this.up.delete(leg.carrierCallId);
  }

  /** The last accepted call, for a test to drive. */
  lastPlaced(): FakePlacedCall {
    const last = this.placed.at(-1);
    if (!last) throw new Error('fake carrier: nothing placed');
    return last;
  }

  /** Reports progress for a leg as the vendor's webhook would. */
  async progress(leg: CarrierLeg, progress: CallProgress): Promise<void> {
    if (progress.kind === 'ended') this.up.delete(leg.carrierCallId);
    await this.requireEvents().progress(leg, progress);
  }

  /** The callee picked up: the media arrives with the token of the request the leg was placed with. */
  answer(leg: CarrierLeg, audio: AudioChannel): ReturnType<CarrierEvents['answered']> {
    const placed = this.placed.find((p) => p.leg.carrierCallId === leg.carrierCallId);
    if (!placed) throw new Error('fake carrier: unknown leg');
    return this.requireEvents().answered(placed.request.mediaToken, audio, leg);
  }

  private requireEvents(): CarrierEvents {
    if (!this.events) throw new Error('fake carrier: no CarrierEvents to report to');
    return this.events;
  }
}
