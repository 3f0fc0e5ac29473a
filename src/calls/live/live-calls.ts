import type { Lang } from '../../domain/lang';

/**
 * One call in progress as the live calls view shows it. Nothing here identifies the customer
 * beyond the masked address: the view is for watching a call, not for looking someone up.
 */
export interface LiveCall {
  callId: string;
  caseId: string;
  /** The call's channel: 'softphone', 'text', 'carrier', … (calls.channel). */
  channel: string;
  lang: Lang;
  /** The customer's email, masked (domain/phone.ts maskEmail). */
  customer: string;
  /** The agent's current step (agent/types StepName), or what it listens for before the first step reports. */
  step: string;
  /** ISO 8601, UTC. */
  startedAt: string;
  /** Set once the call was handed to a person: their display name (the view shows "with …" until it ends). */
  withPerson?: string;
}

/** A transcript line as stored (already through the transcript guard: no codes, no secrets, masked spelling). */
export interface LiveLine {
  speaker: 'agent' | 'caller';
  text: string;
  /** ISO 8601, UTC. */
  at: string;
}

/** What happens to calls in progress, in order per call. Plain JSON, so it can cross a process boundary (NOTIFY payload). */
export type LiveEvent =
  | { type: 'started'; call: LiveCall }
  | { type: 'step'; callId: string; step: string }
  | { type: 'line'; callId: string; line: LiveLine }
  | { type: 'with_person'; callId: string; operator: string }
  | { type: 'ended'; callId: string; outcome: string };

/** A call in progress with its transcript so far (the last `MAX_LINES_KEPT` lines). */
export interface LiveCallView extends LiveCall {
  lines: LiveLine[];
}

/**
 * The live feed: calls publish, the console subscribes. Narrow on purpose, so a cross-process
 * implementation (PostgreSQL LISTEN/NOTIFY, one channel, the events as payloads) can replace the
 * in-process one without touching either side.
 */
export interface LiveCalls {
  /** Announces an event to every subscriber (in this process, or in every process). Never throws. */
  publish(event: LiveEvent): void;
  /** Calls in progress now, oldest first, each with its recent transcript. */
  snapshot(): Promise<LiveCallView[]>;
  /** Every event from now on; returns the unsubscribe function. A throwing listener is dropped, not fatal. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
}

/**
 * Lines kept per call for a viewer who opens the view mid-call. A recovery call's whole transcript
 * is well under this (about 40 turns); the store keeps every line regardless.
 */
export const MAX_LINES_KEPT = 200;

/**
 * Events heard while a snapshot was being read, less those it already shows: a `started` for a call
 * in it, a `line` it already holds (same call, time, speaker and text). A snapshot read from the
 * database (shared-live-calls.ts) may include what the events also carry; shown twice otherwise.
 */
export function withoutSeen(snapshot: LiveCallView[], events: LiveEvent[]): LiveEvent[] {
  const calls = new Map(snapshot.map((c) => [c.callId, c]));
  return events.filter((e) => {
    if (e.type === 'started') return !calls.has(e.call.callId);
    if (e.type !== 'line') return true;
    const lines = calls.get(e.callId)?.lines ?? [];
    return !lines.some((l) => l.at === e.line.at && l.speaker === e.line.speaker && l.text === e.line.text);
  });
}

/** The in-process live feed: one server process, calls and viewers in the same memory. */
export function createInProcessLiveCalls(): LiveCalls {
  const calls = new Map<string, LiveCallView>();
  const listeners = new Set<(event: LiveEvent) => void>();

  function apply(event: LiveEvent): void {
    switch (event.type) {
      case 'started':
        calls.set(event.call.callId, { ...event.call, lines: [] });
        return;
      case 'step': {
        const call = calls.get(event.callId);
        if (call) call.step = event.step;
        return;
      }
      case 'with_person': {
        const call = calls.get(event.callId);
        if (call) call.withPerson = event.operator;
        return;
      }
      case 'line': {
        const call = calls.get(event.callId);
        if (!call) return;
        call.lines.push(event.line);
        if (call.lines.length > MAX_LINES_KEPT) call.lines.splice(0, call.lines.length - MAX_LINES_KEPT);
        return;
      }
      case 'ended':
        calls.delete(event.callId);
        return;
    }
  }

  return {
    publish(event) {
      apply(event);
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch {
          // One broken viewer (a closed socket mid-write) must not stop the call or the other viewers.
          listeners.delete(listener);
        }
      }
    },
    snapshot() {
      const views = [...calls.values()].map((c) => ({ ...c, lines: [...c.lines] })).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      return Promise.resolve(views);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
