import type { AudioChannel } from '../../channels/audio-channel';
import type { TimerHandle, TimerPort } from '../../domain/clock';
import type { Lang } from '../../domain/lang';
import type { LiveLine } from '../live/live-calls';

/**
 * An operator's console softphone while it is open: the operator's leg of a transferred call once
 * they accept. The console page speaks the customer softphone's protocol (an offer rings it; the
 * page answers with `answer` or `decline`), so softphone-channel.ts's channel is an OperatorLine.
 */
export interface OperatorLine extends AudioChannel {
  onControl(listener: (message: { type: 'answer' | 'decline' }) => void): void;
}

/** What the operator sees before accepting (warm transfer): the case, the agent's summary, the transcript so far. */
export interface TransferOffer {
  callId: string;
  caseId: string;
  lang: Lang;
  /** Masked (maskEmail). */
  customer: string;
  /** The escalation reason (agent/types EscalationReason), e.g. 'caller_request'. */
  reason: string;
  /** The agent's short summary: what was verified and what was not — never a code. In the call's language. */
  summary: string;
  /** The same summary in each console language, for an operator whose console speaks another. */
  summaries?: Partial<Record<Lang, string>>;
  /** Transcript lines as stored (after the transcript guard). */
  lines: LiveLine[];
}

/** One operator's answer to one offer, for the case events (who was offered the call, who took it, when). */
export interface OfferAttempt {
  operatorId: string;
  /** `cancelled`: the caller left (the signal aborted) while this operator's console rang. */
  result: RingResult;
  /** Epoch ms when the answer (or its absence) was known. */
  at: number;
}

export interface OfferResult {
  /** The operator who accepted, with their leg; null when nobody did. */
  taken: { operatorId: string; line: OperatorLine } | null;
  attempts: OfferAttempt[];
}

type RingResult = 'accepted' | 'declined' | 'timeout' | 'gone' | 'cancelled';

/** How long one operator's console rings before the offer moves on; default 20 s (a contact center's usual ring-no-answer). */
export const DEFAULT_OFFER_RING_MS = 20_000;

interface Seat {
  operatorId: string;
  line: OperatorLine;
  state: 'idle' | 'ringing' | 'on_call';
  /** The current offer's answer; set while ringing. */
  answer?: (result: RingResult) => void;
}

/**
 * Operators available for live transfers in this process, longest idle first. An operator is
 * available while their console softphone is connected and not on a call; a line rings one
 * offer at a time. In memory on purpose: a console softphone is a socket into this process
 * (the pg-queue work makes offers cross-process by routing them to the process that holds the seat).
 */
export class OperatorDesk {
  private readonly seats: Seat[] = [];

  constructor(private readonly timers: TimerPort) {}

  /**
   * The operator is available on this line until it closes (or takes a call). A second line for the
   * same operator (another tab) replaces the first, which is closed as `replaced`.
   */
  join(operatorId: string, line: OperatorLine): void {
    const old = this.seats.find((s) => s.operatorId === operatorId);
    if (old) {
      this.leave(old);
      old.answer?.('gone');
      old.line.close('replaced');
    }
    const seat: Seat = { operatorId, line, state: 'idle' };
    this.seats.push(seat);
    line.onControl((message) => {
      if (seat.state === 'ringing') seat.answer?.(message.type === 'answer' ? 'accepted' : 'declined');
    });
    line.onClose(() => {
      this.leave(seat);
      seat.answer?.('gone');
    });
    line.sendControl({ type: 'available' });
  }

  /** The operator's console softphone is open here and free (a take-over can ring it now). */
  isAvailable(operatorId: string): boolean {
    return this.seats.some((s) => s.operatorId === operatorId && s.state === 'idle');
  }

  /** Operators waiting for a call now (not ringing, not on a call). */
  availableCount(): number {
    return this.seats.filter((s) => s.state === 'idle').length;
  }

  /**
   * Offers the call to each available operator in turn (longest idle first), each for `ringMs`; a
   * decline or no answer moves on, and the operator goes to the back of the queue. Resolves with the
   * first who accepts — their seat leaves the desk, the line is the caller's to bridge — or with
   * `taken: null` when everyone declined, nobody is there, or `signal` aborted (the caller hung up).
   */
  async offer(offer: TransferOffer, opts: { ringMs?: number; signal?: AbortSignal; only?: string } = {}): Promise<OfferResult> {
    const ringMs = opts.ringMs ?? DEFAULT_OFFER_RING_MS;
    const attempts: OfferAttempt[] = [];
    const tried = new Set<Seat>();
    for (;;) {
      if (opts.signal?.aborted) return { taken: null, attempts };
      // `only`: a take-over rings the operator who asked for the call, nobody else.
      const seat = this.seats.find((s) => s.state === 'idle' && !tried.has(s) && (opts.only === undefined || s.operatorId === opts.only));
      if (!seat) return { taken: null, attempts };
      tried.add(seat);
      const result = await this.ring(seat, offer, ringMs, opts.signal);
      attempts.push({ operatorId: seat.operatorId, result, at: this.timers.now() });
      if (result === 'accepted') {
        seat.state = 'on_call';
        this.leave(seat);
        seat.line.sendControl({ type: 'transfer_connected', callId: offer.callId });
        return { taken: { operatorId: seat.operatorId, line: seat.line }, attempts };
      }
      if (result === 'cancelled') {
        seat.line.sendControl({ type: 'offer_withdrawn', callId: offer.callId, reason: 'caller_left' });
        return { taken: null, attempts };
      }
      if (result !== 'gone') {
        seat.line.sendControl({ type: 'offer_withdrawn', callId: offer.callId, reason: result });
        // Back of the queue: the next transfer rings someone else first.
        this.leave(seat);
        seat.state = 'idle';
        this.seats.push(seat);
      }
    }
  }

  private ring(seat: Seat, offer: TransferOffer, ringMs: number, signal: AbortSignal | undefined): Promise<RingResult> {
    seat.state = 'ringing';
    return new Promise((resolve) => {
      const onAbort = () => settle('cancelled');
      const settle = (result: RingResult) => {
        if (seat.answer === undefined) return;
        seat.answer = undefined;
        this.timers.clearTimer(timer);
        signal?.removeEventListener('abort', onAbort);
        if (seat.state === 'ringing') seat.state = 'idle';
        resolve(result);
      };
      const timer: TimerHandle = this.timers.setTimer(ringMs, () => settle('timeout'));
      seat.answer = settle;
      signal?.addEventListener('abort', onAbort);
      seat.line.sendControl({ type: 'transfer_offer', ...offer, ringMs });
    });
  }

  private leave(seat: Seat): void {
    const i = this.seats.indexOf(seat);
    if (i >= 0) this.seats.splice(i, 1);
  }
}
