import type { Kysely } from 'kysely';
import type { Outcome, OutcomeDetail } from '../../agent';
import type { Dialer } from '../../channels/dialer';
import { type Clock, systemTimers, type TimerPort } from '../../domain/clock';
import type { Store } from '../../store/connect';
import type { Database } from '../../store/schema';
import type { UnansweredOutcome } from './ring-state';
import type { SoftphoneHub } from './softphone-hub';

/** What a softphone line needs to know about calls placed to its case. */
export interface SoftphoneCallPort {
  /** The call placed to this case that is still waiting to be answered. */
  findOffered(caseId: string): Promise<{ callId: string } | null>;
  /** Connects the call (pending → active, case → verifying) exactly once: false when it is gone. */
  claim(callId: string): Promise<boolean>;
  /**
   * Ends a call nobody answered; the case's retry policy takes it from there. Returns the case's
   * next call time (ISO 8601) when the retry booked one, so the page can say it (issue 13).
   */
  endUnanswered(callId: string, caseId: string, outcome: UnansweredOutcome): Promise<{ nextCallAt: string | null }>;
}

/**
 * The slice of the call service (src/calls) the softphone uses. Method syntax on purpose: the call
 * service types its channel names narrowly, and the softphone passes its own.
 */
export interface SoftphoneCallBackend<Connected> {
  openLink(
    trx: Kysely<Database>,
    caseId: string,
    channel: string,
    dialer: { provesPhonePossession: boolean },
  ): Promise<{ callId: string; url: string }>;
  connect(token: string): Promise<{ ok: true; connected: Connected } | { ok: false; reason: string }>;
  finish(callId: string, outcome: Outcome, detail: OutcomeDetail | null, state: null): Promise<void>;
}

export const SOFTPHONE_CHANNEL = 'softphone';
/** How long after the dial the open pages look again: the dial's transaction commits in between. */
const POKE_DELAYS_MS = [50, 300];

interface Offer {
  callId: string;
  token: string;
}

export interface SoftphoneCalls<Connected> {
  /** Rings the customer's open softphone pages when a callback is due. */
  dialer: Dialer;
  port: SoftphoneCallPort;
  /** The connected call a successful claim produced, for the session to attach to (once). */
  takeConnected(callId: string): Connected | null;
}

/**
 * Softphone calls on the call service. The dialer opens an ordinary single-use call link inside the
 * dial's transaction and keeps its token in memory for the case's pages; answering spends it
 * (CallService.connect). The row in `calls` is the truth: a page rings only while it is pending,
 * and a link lost to a restart expires unused and the stale-call sweep retries the case.
 */
export function createSoftphoneCalls<Connected>(deps: {
  store: Pick<Store, 'db'>;
  /** The case service's get, for the time a retry booked (telephony reads no case rows itself). */
  cases?: { get(caseId: string): Promise<{ state: string; scheduled_at: string | null } | undefined> };
  clock: Clock;
  backend: SoftphoneCallBackend<Connected>;
  hub: SoftphoneHub;
  /** Default: real timers that do not keep the process alive (a missed poke only delays a ring). */
  timers?: Pick<TimerPort, 'setTimer'>;
}): SoftphoneCalls<Connected> {
  const { store, clock, backend, hub } = deps;
  const timers = deps.timers ?? systemTimers({ keepsProcessAlive: false });
  const offers = new Map<string, Offer>(); // by case id
  const connected = new Map<string, Connected>(); // by call id

  const offerByCall = (callId: string): [string, Offer] | undefined => [...offers].find(([, o]) => o.callId === callId);

  const dialer: Dialer = {
    // The page is reached through the link in the request mail: at most mailbox possession.
    provesPhonePossession: false,
    async dial(trx, caseId) {
      const { callId, url } = await backend.openLink(trx, caseId, SOFTPHONE_CHANNEL, dialer);
      const token = new URL(url).searchParams.get('token');
      if (!token) throw new Error('call link without a token');
      offers.set(caseId, { callId, token });
      for (const ms of POKE_DELAYS_MS) timers.setTimer(ms, () => hub.poke(caseId));
    },
  };

  return {
    dialer,
    port: {
      async findOffered(caseId) {
        const offer = offers.get(caseId);
        if (!offer) return null;
        const row = await store.db
          .selectFrom('calls')
          .select(['state', 'token_expires_at'])
          .where('id', '=', offer.callId)
          .executeTakeFirst();
        // Not visible yet: the dial's transaction has not committed (or rolled back; then the offer stays inert).
        if (!row) return null;
        if (row.state !== 'pending' || !row.token_expires_at || new Date(row.token_expires_at) <= clock.now()) {
          offers.delete(caseId);
          return null;
        }
        return { callId: offer.callId };
      },
      async claim(callId) {
        const entry = offerByCall(callId);
        if (!entry) return false;
        offers.delete(entry[0]);
        const result = await backend.connect(entry[1].token);
        if (!result.ok) return false;
        connected.set(callId, result.connected);
        return true;
      },
      async endUnanswered(callId, caseId, outcome) {
        if (offers.get(caseId)?.callId === callId) offers.delete(caseId);
        // Nobody spoke, so the outcome is abandoned (retried); the detail keeps declined apart from
        // not answered, so the reschedule mail can say which (issue 13).
        const detail = outcome === 'declined' ? 'declined' : outcome === 'no_answer' ? 'not_answered' : null;
        await backend.finish(callId, 'abandoned', detail, null);
        const row = await deps.cases?.get(caseId);
        return { nextCallAt: row?.state === 'scheduled' ? row.scheduled_at : null };
      },
    },
    takeConnected(callId) {
      const c = connected.get(callId) ?? null;
      connected.delete(callId);
      return c;
    },
  };
}
