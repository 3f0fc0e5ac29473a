import type { HostPort } from '../../agent';
import type { LiveCall, LiveCalls } from './live-calls';

/** What a call session reports to the live feed; every method is a no-op without a feed. */
export interface CallWatch {
  /** The port with its recordEvent reporting the agent's step (engine.ts record() adds `step` to every event). */
  port(port: HostPort): HostPort;
  /** A transcript line as the store kept it (call-records appendTranscript's result). */
  line(speaker: 'agent' | 'caller', stored: { text: string; at: string }): void;
  /** The call was handed to a person (a live transfer they accepted); `operator` is their display name. */
  withPerson(operator: string): void;
  ended(outcome: string): void;
}

/**
 * Publishes one call to the live feed: `started` at once (so the step and lines that follow have a
 * call to land on), then steps, stored lines, and `ended`. Only stored lines are published, so the
 * live view never shows more than the transcript guard lets into the store.
 */
export function watchCall(feed: LiveCalls | undefined, call: Omit<LiveCall, 'step'>): CallWatch {
  if (!feed) return { port: (p) => p, line: () => undefined, withPerson: () => undefined, ended: () => undefined };
  feed.publish({ type: 'started', call: { ...call, step: 'greet' } });
  let step = 'greet';
  return {
    port: (port) => ({
      ...port,
      recordEvent(kind, data) {
        if (typeof data.step === 'string' && data.step !== step) {
          step = data.step;
          feed.publish({ type: 'step', callId: call.callId, step });
        }
        return port.recordEvent(kind, data);
      },
    }),
    line(speaker, stored) {
      feed.publish({ type: 'line', callId: call.callId, line: { speaker, text: stored.text, at: stored.at } });
    },
    withPerson(operator) {
      feed.publish({ type: 'with_person', callId: call.callId, operator });
    },
    ended(outcome) {
      feed.publish({ type: 'ended', callId: call.callId, outcome });
    },
  };
}
