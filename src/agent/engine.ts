import { createIntentReader, type IntentReader } from './understanding/intents';
import { guardPort } from './guarded-port';
import { handOverToPerson, handleGlobalIntent, type IntentControls } from './global-intents';
import type { HostPort, TimerPort } from './port';
import { promptsFor } from './prompts';
import { redactCallerText } from './redaction';
import type { CallState, EndOptions, SayOptions, Step, StepContext } from './step';
import { createSteps } from './steps';
import { KEYPAD_TRANSCRIPT_PLACEHOLDER } from './steps/code';
import { DEFAULT_TUNING } from './tuning';
import { type ClockTick, createTurnClock } from './turn-clock';
import type { AgentAction, AgentEvent, AgentTuning, CallContext, EscalationReason, Outcome, StepName } from './types';
import { validateContext, validateEvent } from './validation';

export interface AgentDeps {
  context: CallContext;
  port: HostPort;
  timers: TimerPort;
  /** Receives every action, including those caused by the agent's own timers. */
  onAction?: (action: AgentAction) => void;
  tuning?: Partial<AgentTuning>;
  /** Share one reader per language across calls to skip compiling the lexicon per call. */
  intents?: IntentReader;
  /**
   * Told about the error when a port failure escalates the call as `system_error`, so the host can
   * log its cause (the agent itself has no logger). Must not throw.
   */
  onPortFailure?: (error: unknown) => void;
  /**
   * The channel reports when the agent's words have reached the caller (`prompt_played`, audio channels): the
   * no-input clock then never runs out while words still play, from the first prompt on. Without it the agent
   * learns this from the first report, so a greeting that outlasts its estimate (a synthesizer slowed by load)
   * was followed at once by "もしもし、お聞こえでしょうか" before the caller could answer it.
   */
  playoutReported?: boolean;
}

export interface AgentSnapshot {
  step: StepName | null;
  ended: boolean;
  outcome: Outcome | null;
  rightPartyConfirmed: boolean;
  recording: CallState['recording'];
  waiting: boolean;
}

export interface Agent {
  /** Feeds one event; resolves with the actions it caused (also sent to onAction). Events are processed in order. */
  handle(event: AgentEvent): Promise<AgentAction[]>;
  /** Resolves once every queued event and fired timer has been processed. */
  idle(): Promise<void>;
  snapshot(): AgentSnapshot;
}

type InternalEvent = AgentEvent | ClockTick;

/**
 * The conversation engine: pure with respect to I/O (everything goes through the port, the timer port
 * and the actions it emits). It owns turn order, transcripts, redaction, timers and global intents;
 * the steps own the script.
 */
export function createAgent(deps: AgentDeps): Agent {
  validateContext(deps.context);
  const call = deps.context;
  const lang = call.lang;
  const tuning: AgentTuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const prompts = promptsFor(lang);
  const intents = deps.intents ?? createIntentReader(lang);
  const timers = deps.timers;
  const steps = createSteps();

  const state: CallState = {
    rightPartyConfirmed: false,
    // Refused on the request form: nothing is recorded, not even the greeting.
    recording: call.recordingRefused === true ? 'stopped' : 'on',
    emailVerified: false,
    codeVerified: false,
    riskFlags: new Set(),
  };
  let current: Step | null = null;
  let started = false;
  let ended = false;
  let outcome: Outcome | null = null;
  let lastPrompt = '';
  let rateIndex = -1;
  let noInputs = 0;
  let unclear = 0;
  let waiting: { checks: number } | null = null;
  let backchannels = 0;
  let batch: AgentAction[] | null = null;
  let pendingRecords: Array<Promise<void>> = [];
  let queue: Promise<unknown> = Promise.resolve();

  const emit = (action: AgentAction): void => {
    if (ended) return;
    batch?.push(action);
    deps.onAction?.(action);
  };
  const rate = (): number | undefined => tuning.slowerRates[rateIndex];

  // resetMfa is refused unless this call verified the code and raised no flag.
  const guardedPort = guardPort(deps.port, () => state.codeVerified && state.riskFlags.size === 0 && !ended);

  // The no-input / check-back timer and the settle window after a complete code or address
  // (issue 9: the step decides when it runs out).
  const clock = createTurnClock({
    timers,
    tuning,
    lang,
    fire: (tick) => void enqueue(tick).catch(() => undefined),
    endpointing: () => (ended || !current ? null : current.endpointing),
    waiting: () => waiting !== null,
    rate: () => rate() ?? 1,
    playoutReported: deps.playoutReported ?? false,
  });

  const ctx: StepContext = {
    lang,
    call,
    tuning,
    prompts,
    intents,
    port: guardedPort,
    state,
    say(text, options: SayOptions = {}) {
      if (ended) return;
      const r = rate();
      emit({
        type: 'say',
        text,
        interruptible: options.interruptible ?? true,
        ...(r !== undefined ? { rate: r } : {}),
        ...(options.sayAs ? { sayAs: options.sayAs } : {}),
      });
      emit({ type: 'transcript', speaker: 'agent', text });
      clock.spoke(text.length);
      if (options.remember !== false) lastPrompt = text;
    },
    backchannel() {
      const choices = prompts.backchannels;
      const text = choices[backchannels++ % choices.length] ?? '';
      emit({ type: 'backchannel', text });
      emit({ type: 'transcript', speaker: 'agent', text });
      clock.arm();
    },
    ask() {
      if (!current) return;
      ctx.say(current.question(ctx));
      ctx.listen();
    },
    settle: () => clock.armSettle(),
    listen() {
      if (ended || !current) return;
      emit({ type: 'listen', expecting: current.expecting, endpointing: current.endpointing });
      clock.arm();
    },
    recording(change) {
      if (change === 'stop' && state.recording !== 'stopped') {
        state.recording = 'stopped';
        emit({ type: 'stop_recording' });
      } else if (change === 'pause' && state.recording === 'on') {
        state.recording = 'paused';
        emit({ type: 'pause_recording' });
      } else if (change === 'resume' && state.recording === 'paused') {
        state.recording = 'on';
        emit({ type: 'resume_recording' });
      }
    },
    async goto(next) {
      if (ended) return;
      clock.clearSettle();
      current?.exit?.(ctx, 'next');
      current = steps[next];
      unclear = 0;
      waiting = null;
      await current.enter(ctx);
    },
    end(result, options: EndOptions = {}) {
      if (ended) return;
      clock.clear();
      clock.clearSettle();
      current?.exit?.(ctx, 'end');
      emit({ type: 'end', outcome: result, ...(options.detail ? { detail: options.detail } : {}) });
      if (options.hangup) emit({ type: 'hangup' });
      ended = true;
      outcome = result;
      pendingRecords.push(Promise.resolve(deps.port.recordEvent('call_ended', { outcome: result, detail: options.detail ?? null })));
    },
    async escalate(reason: EscalationReason) {
      await deps.port.escalate(reason);
      emit({ type: 'escalate', reason });
    },
    async record(kind, data = {}) {
      await deps.port.recordEvent(kind, { step: current?.name ?? null, ...data });
    },
  };

  const controls: IntentControls = {
    repeatLastPrompt() {
      if (lastPrompt) ctx.say(lastPrompt);
      ctx.listen();
    },
    slowDown() {
      rateIndex = Math.min(rateIndex + 1, tuning.slowerRates.length - 1);
      controls.repeatLastPrompt();
    },
    startWaiting() {
      waiting = { checks: 0 };
      ctx.say(prompts.waitAck, { remember: false });
      ctx.listen();
    },
    greetingFacts: () => ({
      companyName: call.companyName,
      agentName: call.agentName,
      customerName: call.customerName,
    }),
  };

  async function notUnderstood(): Promise<void> {
    unclear += 1;
    if (unclear > tuning.maxUnclear) {
      ctx.say(prompts.goodbyeUnclear, { interruptible: false });
      ctx.end('abandoned', { hangup: true });
      return;
    }
    ctx.say(prompts.notUnderstood, { remember: false });
    ctx.ask();
  }

  async function onSilence(): Promise<void> {
    if (waiting) {
      waiting.checks += 1;
      if (waiting.checks > tuning.maxWaitCheckBacks) {
        ctx.say(prompts.waitGiveUp, { interruptible: false });
        ctx.end('abandoned', { detail: 'no_input', hangup: true });
        return;
      }
      ctx.say(prompts.waitCheckBack, { remember: false });
      ctx.listen();
      return;
    }
    noInputs += 1;
    if (noInputs > tuning.maxNoInputs) {
      ctx.say(prompts.goodbyeNoInput, { interruptible: false });
      ctx.end('abandoned', { detail: 'no_input', hangup: true });
      return;
    }
    if (current?.onNoInput?.(ctx)) return;
    ctx.say(prompts.noInput, { remember: false });
    ctx.ask();
  }

  async function onUtterance(text: string, confidence: number | undefined): Promise<void> {
    const step = current;
    if (!step) return;
    noInputs = 0;
    const reading = intents.detectIntent(text, step.intents);
    const transcript = reading.intent === null && step.transcriptOf ? step.transcriptOf(text, ctx) : redactCallerText(text, lang);
    emit({ type: 'transcript', speaker: 'caller', text: transcript });
    if (reading.suspicion.length > 0) {
      await ctx.record('suspicious_speech', { kinds: reading.suspicion.join(',') });
    }
    const wasWaiting = waiting !== null;
    if (reading.intent) {
      if (reading.intent !== 'wait') waiting = null;
      if (step.onIntent && (await step.onIntent(reading.intent, ctx))) return;
      await handleGlobalIntent(reading.intent, ctx, controls);
      return;
    }
    waiting = null;
    if (confidence !== undefined && confidence < tuning.minConfidence && step.expecting === 'confirmation') {
      await notUnderstood();
      return;
    }
    // Content for the step: it decides afresh whether to settle again (intents leave the window running).
    clock.clearSettle();
    const result = await step.onUtterance(text, ctx, confidence);
    if (result === 'no_content' && !ended && current === step) {
      if (wasWaiting) ctx.ask();
      else await notUnderstood();
    }
  }

  async function process(event: InternalEvent): Promise<void> {
    if (ended) return;
    if (event.type === 'hangup') {
      ctx.end('abandoned');
      return;
    }
    if (!started) {
      // Anything before 'start' (a "もしもし" on pick-up) simply starts the call.
      started = true;
      await ctx.record('call_started', { policy: call.policy, keypadOnly: call.keypadOnlyCodes });
      await ctx.goto('greet');
      return;
    }
    switch (event.type) {
      case 'start':
        return;
      case 'timer': {
        const tick = clock.tick(event);
        if (tick === 'settled') {
          await current?.onSettled?.(ctx);
          if (!ended && !clock.armed()) clock.arm();
        } else if (tick === 'silence') await onSilence();
        return;
      }
      case 'prompt_played':
        clock.promptPlayed();
        return;
      case 'no_input':
        await onSilence();
        return;
      case 'take_over':
        clock.clear();
        clock.clearSettle();
        await handOverToPerson(ctx, 'operator_takeover');
        return;
      case 'dtmf': {
        noInputs = 0;
        waiting = null;
        emit({ type: 'transcript', speaker: 'caller', text: KEYPAD_TRANSCRIPT_PLACEHOLDER });
        const step = current;
        // A caller keying the code is not silent: the allowance starts again at each key, as for an interim.
        if (clock.armed()) clock.arm();
        if (step?.onDtmf) {
          clock.clearSettle();
          await step.onDtmf(event.digits, ctx);
        }
        if (!ended && current === step && !clock.armed()) clock.arm();
        return;
      }
      case 'utterance': {
        if (!event.isFinal) {
          // The caller is talking: the silence clock starts again, and a pending check waits for their words.
          if (clock.armed()) clock.arm();
          if (clock.settling()) clock.armSettle();
          return;
        }
        const text = event.text.trim();
        if (text === '') return;
        clock.clear();
        await onUtterance(text, event.confidence);
        if (!ended && !clock.armed()) clock.arm();
        return;
      }
    }
  }

  async function failSafely(): Promise<void> {
    if (ended) return;
    ctx.say(prompts.systemError, { interruptible: false });
    try {
      await ctx.escalate('system_error');
    } catch {
      emit({ type: 'escalate', reason: 'system_error' });
    }
    ctx.end('escalated', { detail: 'system_error', hangup: true });
  }

  function enqueue(event: InternalEvent): Promise<AgentAction[]> {
    const run = async (): Promise<AgentAction[]> => {
      const collected: AgentAction[] = [];
      batch = collected;
      try {
        await process(event);
      } catch (error) {
        // A port failure must not leave the caller in silence; the host logs its name and code.
        if (!ended) deps.onPortFailure?.(error);
        await failSafely().catch(() => undefined);
      } finally {
        const records = pendingRecords;
        pendingRecords = [];
        await Promise.allSettled(records);
        batch = null;
      }
      return collected;
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  }

  return {
    handle(event) {
      try {
        validateEvent(event);
      } catch (error) {
        return Promise.reject(error);
      }
      return enqueue(event);
    },
    async idle() {
      // Timers may enqueue more work while we wait; loop until the queue is quiet.
      let seen: Promise<unknown> | null = null;
      while (seen !== queue) {
        seen = queue;
        await queue;
      }
    },
    snapshot: () => ({
      step: current?.name ?? null,
      ended,
      outcome,
      rightPartyConfirmed: state.rightPartyConfirmed,
      recording: state.recording,
      waiting: waiting !== null,
    }),
  };
}
