import type { Kysely } from 'kysely';
import type { Outcome, OutcomeDetail } from '../../agent';
import type { Dialer } from '../../channels/dialer';
import { type Clock, systemTimers, type TimerPort } from '../../domain/clock';
import type { Logger } from '../../observability/logger';
import type { Store } from '../../store/connect';
import type { PubSub } from '../../store/pubsub';
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
  /** A fresh single-use token for a call still pending (null when it is not): any process can then connect it. */
  reissueToken(trx: Kysely<Database>, callId: string): Promise<string | null>;
  connect(token: string): Promise<{ ok: true; connected: Connected } | { ok: false; reason: string }>;
  finish(callId: string, outcome: Outcome, detail: OutcomeDetail | null, state: null): Promise<void>;
}

export const SOFTPHONE_CHANNEL = 'softphone';
/** How long after the dial the open pages look again: the dial's transaction commits in between. */
const POKE_DELAYS_MS = [50, 300];

/**
 * The PubSub channel a dial is announced on: `{ caseId }`, heard by every process, whose open pages
 * for that case look at once (a page in any process also finds the call at its next poll).
 */
export const SOFTPHONE_RING_CHANNEL = 'softphone.ring';

export interface SoftphoneCalls<Connected> {
  /** Rings the customer's open softphone pages when a callback is due. */
  dialer: Dialer;
  port: SoftphoneCallPort;
  /** The connected call a successful claim produced, for the session to attach to (once). */
  takeConnected(callId: string): Connected | null;
}

/**
 * Softphone calls on the call service, in any number of processes on one database (issue 11). The
 * dialer opens an ordinary single-use call link inside the dial's transaction (its raw token is
 * dropped) and announces the dial; the case's pages, in whichever process holds them, find the
 * pending softphone call in `calls` and ring. Answering mints a fresh token for the call in the
 * answering process and spends it (CallService.reissueToken + connect), so exactly one page wins
 * however many processes hold pages for the case. The row in `calls` is the truth: a page rings only
 * while it is pending and unexpired; a link nobody answers expires and the stale-call sweep retries
 * the case. Without `pubsub` the announcement pokes this process's pages only.
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
  /** Announces dials to every process (PostgreSQL NOTIFY); without it only this process's pages are poked. */
  pubsub?: Pick<PubSub, 'publish'>;
  logger?: Logger;
}): SoftphoneCalls<Connected> {
  const { store, clock, backend, hub } = deps;
  const timers = deps.timers ?? systemTimers({ keepsProcessAlive: false });
  const connected = new Map<string, Connected>(); // by call id

  const announce = (caseId: string) => {
    if (!deps.pubsub) return hub.poke(caseId);
    // A lost announcement only delays the ring until the page's next poll.
    deps.pubsub
      .publish(SOFTPHONE_RING_CHANNEL, { caseId })
      .catch((err: unknown) => deps.logger?.warn({ errorName: (err as Error)?.name }, 'softphone ring announcement failed'));
  };

  const dialer: Dialer = {
    // The page is reached through the link in the request mail: at most mailbox possession.
    provesPhonePossession: false,
    async dial(trx, caseId) {
      // The link's token is not kept: the answering page's process mints its own (claim).
      await backend.openLink(trx, caseId, SOFTPHONE_CHANNEL, dialer);
      for (const ms of POKE_DELAYS_MS) timers.setTimer(ms, () => announce(caseId));
    },
  };

  return {
    dialer,
    port: {
      async findOffered(caseId) {
        // Not visible until the dial's transaction commits (and never, if it rolled back).
        const row = await store.db
          .selectFrom('calls')
          .select(['id'])
          .where('case_id', '=', caseId)
          .where('channel', '=', SOFTPHONE_CHANNEL)
          .where('state', '=', 'pending')
          .where('token_expires_at', '>', clock.now().toISOString())
          .orderBy('created_at', 'desc')
          .executeTakeFirst();
        return row ? { callId: row.id } : null;
      },
      async claim(callId) {
        // Null when the call stopped being pending (answered in another tab or process, ended).
        const token = await backend.reissueToken(store.db, callId);
        if (!token) return false;
        // Fails when another page reissued in between: exactly one of them connects.
        const result = await backend.connect(token);
        if (!result.ok) return false;
        connected.set(callId, result.connected);
        return true;
      },
      async endUnanswered(callId, caseId, outcome) {
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
