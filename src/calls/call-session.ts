import {
  type AgentAction,
  type ListenExpecting,
  type AgentTuning,
  type CallContext,
  type HostPort,
  type Outcome,
  type OutcomeDetail,
  type TimerPort,
  createAgent,
} from '../agent';
import { errorFields } from '../domain/errors';
import type { Logger } from '../observability/logger';
import type { AudioChannel } from '../channels/audio-channel';
import type { CallChannel, ChannelFigures } from '../channels/call-channel';
import { guardCallerLine } from './transcript-guard';

export interface CallSessionDeps {
  callId: string;
  channel: CallChannel;
  context: CallContext;
  port: HostPort;
  timers: TimerPort;
  tuning?: Partial<AgentTuning>;
  logger: Logger;
  /** Stores one already-redacted transcript line. */
  appendTranscript(speaker: 'agent' | 'caller', text: string): Promise<void>;
  /** Ends the call in the store (call row, case change, history, the call's figures); called once. */
  finish(outcome: Outcome, detail: OutcomeDetail | null, figures: SessionFigures): Promise<void>;
  /**
   * Live transfer (issue 10): `pending()` once the agent promised to put the caller through; after the
   * outcome is stored the line is handed to `start` instead of being hung up (channels with `handOff`;
   * null: the caller hung up while the agent's last words played).
   */
  handOver?: { pending(): boolean; start(audio: AudioChannel | null): void };
}

/** What a call measured, handed to `finish`: the channel's own figures and the session's reply times (ms). */
export interface SessionFigures {
  channel: ChannelFigures;
  /** Caller's final line or keys → the agent's next line, on the wall clock (what a text call has). */
  replyLatencyMs: number[];
}

/** The transcript line for a prompt the caller cut off: what they heard of it, marked as cut. */
export function promptCutLine(heardText: string): string {
  return `[cut by the caller after: "${heardText.trim()}…"]`;
}

export interface CallSession {
  /** Resolves when the call has ended and everything about it is stored. */
  readonly done: Promise<Outcome>;
  /** Server shutdown: close the line without writing an outcome (the next start marks it abandoned). */
  detach(): void;
  /** An operator takes the call over (issue 10): the agent says its hand-over line and ends. False once the call is over. */
  takeOver(): boolean;
}

/**
 * One call: wires a channel to the agent, keeps the transcript, and ends the call exactly once.
 * Transcript lines are written in order; the `end` frame goes out only after the transcript and the
 * outcome are stored, so whoever sees `end` can read the result.
 */
export function startCallSession(deps: CallSessionDeps): CallSession {
  const log = deps.logger.child({ component: 'call', callId: deps.callId });
  let writes: Promise<void> = Promise.resolve();
  let finished = false;
  let detached = false;
  // After a back-channel the agent waits without a new listen action; the caller still needs to know.
  let spokeSinceListen = false;
  let expecting: ListenExpecting = 'confirmation';
  const replyLatencyMs: number[] = [];
  let callerTurnAt: number | null = null;
  const agentReplied = () => {
    if (callerTurnAt === null) return;
    replyLatencyMs.push(Math.round(performance.now() - callerTurnAt));
    callerTurnAt = null;
  };
  let resolveDone!: (o: Outcome) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<Outcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => undefined);

  const persist = (speaker: 'agent' | 'caller', text: string) => {
    writes = writes
      .then(() => deps.appendTranscript(speaker, text))
      .catch((err: unknown) => {
        log.error({ err: (err as Error)?.name }, 'transcript line not stored');
      });
  };

  function conclude(outcome: Outcome, detail: OutcomeDetail | null): void {
    if (finished) return;
    finished = true;
    const work = (async () => {
      await writes;
      if (detached) return;
      await deps.finish(outcome, detail, { channel: deps.channel.figures?.() ?? {}, replyLatencyMs });
    })();
    work.then(
      async () => {
        const handOff = deps.handOver?.pending() && deps.channel.handOff ? deps.channel.handOff.bind(deps.channel) : null;
        if (!detached && handOff) {
          // The agent's part is over and stored; the line goes on to a person (or the fallback words).
          const audio = await handOff().catch(() => null);
          deps.handOver!.start(audio);
        } else if (!detached) {
          deps.channel.end(outcome);
          deps.channel.close('ended');
        }
        log.info({ outcome, detail }, 'call ended');
        resolveDone(outcome);
      },
      (err: unknown) => {
        log.error({ err: (err as Error)?.name, outcome }, 'call outcome not stored');
        deps.channel.close('ended');
        rejectDone(err);
      },
    );
  }

  const onAction = (action: AgentAction): void => {
    if (detached) return;
    deps.channel.onAgentAction?.(action);
    switch (action.type) {
      case 'say':
        agentReplied();
        spokeSinceListen = true;
        deps.channel.agentSays(action.text, 'prompt');
        return;
      case 'backchannel':
        agentReplied();
        spokeSinceListen = true;
        deps.channel.agentSays(action.text, 'backchannel');
        return;
      case 'listen':
        spokeSinceListen = false;
        expecting = action.expecting;
        deps.channel.listening(action.expecting);
        return;
      case 'transcript':
        persist(action.speaker, action.speaker === 'caller' ? guardCallerLine(action.text) : action.text);
        return;
      case 'end':
        conclude(action.outcome, action.detail ?? null);
        return;
      // A text line cannot be transferred or recorded: escalation is in the case, recording is moot.
      case 'escalate':
      case 'hangup':
      case 'pause_recording':
      case 'resume_recording':
      case 'stop_recording':
        return;
    }
  };

  // Name and code only: a port error's message may quote the caller or the account.
  const onPortFailure = (error: unknown) => log.error(errorFields(error), 'port failure escalated the call (system_error)');
  const agent = createAgent({
    context: deps.context,
    port: deps.port,
    timers: deps.timers,
    tuning: deps.tuning,
    onAction,
    onPortFailure,
    playoutReported: deps.channel.reportsPlayout === true,
  });

  const feed = (event: Parameters<typeof agent.handle>[0]) => {
    agent.handle(event).then(
      () => {
        if (spokeSinceListen && !finished && !detached) {
          spokeSinceListen = false;
          deps.channel.listening(expecting);
        }
      },
      () => {
        // Only malformed events reject; channels validate first, so this is a bug worth a line.
        log.warn('agent refused an event');
      },
    );
  };

  deps.channel.onInput((input) => {
    if (finished || detached) return;
    if ((input.type === 'utterance' && input.isFinal && input.text !== '') || input.type === 'dtmf') callerTurnAt = performance.now();
    // The channel's event is the agent's event: interim results and confidence pass through unchanged.
    feed(input);
  });
  deps.channel.onClose(() => {
    if (!finished && !detached) feed({ type: 'hangup' });
  });
  // A prompt cut by barge-in: its full line is already written; this one says how far the caller heard it.
  deps.channel.onPromptCut?.((cut) => {
    if (!detached) persist('agent', promptCutLine(cut.heardText));
  });

  log.info('call connected');
  feed({ type: 'start' });

  return {
    done,
    takeOver() {
      if (finished || detached) return false;
      feed({ type: 'take_over' });
      return true;
    },
    detach() {
      if (detached) return;
      detached = true;
      // Stops the agent's timers; nothing is stored (the port ignores call_ended, onAction is muted).
      feed({ type: 'hangup' });
      deps.channel.close('shutdown');
      if (!finished) {
        finished = true;
        resolveDone('abandoned');
      }
    },
  };
}
