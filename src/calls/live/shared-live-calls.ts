import type { Kysely } from 'kysely';
import { isLang } from '../../domain/lang';
import { maskEmail } from '../../domain/phone';
import type { Logger } from '../../observability/logger';
import type { PubSub } from '../../store/pubsub';
import type { Database } from '../../store/schema';
import { type LiveCallView, type LiveCalls, type LiveEvent, MAX_LINES_KEPT } from './live-calls';

/** The PubSub channel every process's calls publish their LiveEvents on. */
export const LIVE_EVENTS_CHANNEL = 'calls.live';

/**
 * A line longer than this is cut (with '…') on its way between processes: a message is at most
 * PubSub MAX_MESSAGE_BYTES (about 5.9 KB, sealed under NOTIFY's 8000). Even six bytes a character
 * as JSON (a control character escaped) stays inside it with the event's other fields; the store
 * keeps the whole line, and the snapshot reads it from there.
 */
export const MAX_LINE_CHARS_SENT = 800;

/**
 * The live feed across processes on one PostgreSQL (issue 11). Events go out over PubSub from the
 * process running the call and reach viewers in every process. The snapshot is rebuilt from the
 * database, which already records everything the view shows: calls in state `active` (joined to
 * their case for the language and masked address), their stored transcript lines (the last
 * MAX_LINES_KEPT), and the agent's step from the newest `agent_*` case event since the call
 * started. So a process that starts, or a viewer that reconnects, sees every call whichever process
 * runs it, and no process has to answer for another. A call on a process that died stays `active`
 * until the stale-call sweep ends it. Events arrive at most once (PubSub); a viewer that reconnects
 * starts again from a fresh snapshot.
 */
export function createSharedLiveCalls(deps: { pubsub: PubSub; db: Kysely<Database>; logger: Logger }): LiveCalls {
  const log = deps.logger.child({ component: 'live-calls' });
  const listeners = new Set<(event: LiveEvent) => void>();
  // One publish at a time: a pool would otherwise let a later NOTIFY overtake an earlier one.
  let sending: Promise<void> = Promise.resolve();
  let listening: Promise<void> | null = null;

  function dispatch(message: unknown): void {
    if (!isLiveEvent(message)) return;
    for (const listener of [...listeners]) {
      try {
        listener(message);
      } catch {
        listeners.delete(listener); // a broken viewer must not stop the others
      }
    }
  }

  /** Listens from the first viewer on (the CLI and processes nobody watches hold no listener). */
  function listen(): Promise<void> {
    listening ??= deps.pubsub
      .subscribe(LIVE_EVENTS_CHANNEL, dispatch)
      .then(() => undefined)
      .catch((err: unknown) => {
        listening = null; // the next viewer tries again
        log.warn({ errorName: (err as Error)?.name }, 'live calls: could not listen for events');
      });
    return listening;
  }

  return {
    publish(event) {
      const sent = fitForNotify(event);
      sending = sending
        .then(() => deps.pubsub.publish(LIVE_EVENTS_CHANNEL, sent))
        .catch((err: unknown) => log.warn({ errorName: (err as Error)?.name, type: event.type }, 'live calls: event not sent'));
    },
    async snapshot() {
      // Listening first, so an event after the read is heard (one before it may come twice: see withoutSeen).
      await listen();
      return readLiveCalls(deps.db);
    },
    subscribe(listener) {
      listeners.add(listener);
      void listen();
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

function fitForNotify(event: LiveEvent): LiveEvent {
  if (event.type !== 'line' || event.line.text.length <= MAX_LINE_CHARS_SENT) return event;
  return { ...event, line: { ...event.line, text: `${event.line.text.slice(0, MAX_LINE_CHARS_SENT)}…` } };
}

const EVENT_TYPES = new Set(['started', 'step', 'line', 'with_person', 'ended']);

function isLiveEvent(message: unknown): message is LiveEvent {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as { type?: unknown; callId?: unknown; call?: { callId?: unknown } };
  if (typeof m.type !== 'string' || !EVENT_TYPES.has(m.type)) return false;
  return m.type === 'started' ? typeof m.call?.callId === 'string' : typeof m.callId === 'string';
}

/** Calls in progress (any process) from the database, oldest first, each with its recent stored lines and step. */
export async function readLiveCalls(db: Kysely<Database>): Promise<LiveCallView[]> {
  const rows = await db
    .selectFrom('calls')
    .innerJoin('cases', 'cases.id', 'calls.case_id')
    .select(['calls.id as callId', 'calls.case_id as caseId', 'calls.channel', 'calls.started_at', 'cases.lang', 'cases.email'])
    .where('calls.state', '=', 'active')
    .orderBy('calls.started_at')
    .execute();
  const views: LiveCallView[] = [];
  for (const row of rows) {
    const startedAt = row.started_at ?? new Date(0).toISOString();
    const lines = await db
      .selectFrom('transcript_entries')
      .select(['speaker', 'text', 'at'])
      .where('call_id', '=', row.callId)
      .orderBy('id', 'desc')
      .limit(MAX_LINES_KEPT)
      .execute();
    views.push({
      callId: row.callId,
      caseId: row.caseId,
      channel: row.channel,
      lang: isLang(row.lang) ? row.lang : 'ja',
      customer: maskEmail(row.email),
      step: await currentStep(db, row.caseId, startedAt),
      startedAt,
      lines: lines.reverse().map((l) => ({ speaker: l.speaker === 'caller' ? 'caller' : 'agent', text: l.text, at: l.at })),
    });
  }
  return views;
}

/** The `step` of the newest agent event recorded for the case since the call started; 'greet' before the first. */
async function currentStep(db: Kysely<Database>, caseId: string, since: string): Promise<string> {
  const events = await db
    .selectFrom('case_events')
    .select(['data'])
    .where('case_id', '=', caseId)
    .where('kind', 'like', 'agent_%')
    .where('at', '>=', since)
    .orderBy('seq', 'desc')
    .limit(20)
    .execute();
  for (const e of events) {
    try {
      const step = (JSON.parse(e.data) as { step?: unknown }).step;
      if (typeof step === 'string') return step;
    } catch {
      // not JSON: look further back
    }
  }
  return 'greet';
}
