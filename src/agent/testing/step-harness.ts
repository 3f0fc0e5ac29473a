import { createIntentReader } from '../understanding/intents';
import { promptsFor } from '../prompts';
import type { CallState, EndOptions, Step, StepContext } from '../step';
import { DEFAULT_TUNING } from '../tuning';
import type { AgentTuning, CallContext, Outcome, StepName } from '../types';
import { STORY_ACCOUNT, STORY_CONTEXT_JA } from './call-harness';
import { createFakePort, type FakePort, type FakePortOptions } from './fake-port';

export type StepLogEntry =
  | { kind: 'say'; text: string; remember: boolean }
  | { kind: 'backchannel' }
  | { kind: 'ask'; text: string }
  | { kind: 'listen' }
  | { kind: 'settle' }
  | { kind: 'recording'; change: 'pause' | 'resume' | 'stop' }
  | { kind: 'goto'; step: StepName }
  | { kind: 'end'; outcome: Outcome; options: EndOptions }
  | { kind: 'escalate'; reason: string };

export interface StepHarness {
  ctx: StepContext;
  port: FakePort;
  log: StepLogEntry[];
  state: CallState;
  said(): string[];
  gotos(): StepName[];
  ended(): { outcome: Outcome; options: EndOptions } | null;
}

/** Runs one step alone, with a recording StepContext; goto only records the target (no next step runs). */
export function createStepHarness(
  step: Step,
  options: {
    context?: Partial<CallContext>;
    port?: Partial<FakePortOptions>;
    tuning?: Partial<AgentTuning>;
    state?: Partial<CallState>;
  } = {},
): StepHarness {
  const call: CallContext = { ...STORY_CONTEXT_JA, ...options.context };
  const port = createFakePort({ account: { ...STORY_ACCOUNT }, ...options.port });
  const log: StepLogEntry[] = [];
  const state: CallState = {
    rightPartyConfirmed: true,
    recording: 'on',
    emailVerified: false,
    codeVerified: false,
    riskFlags: new Set(),
    ...options.state,
  };
  let ended = false;
  const ctx: StepContext = {
    lang: call.lang,
    call,
    tuning: { ...DEFAULT_TUNING, ...options.tuning },
    prompts: promptsFor(call.lang),
    intents: createIntentReader(call.lang),
    port,
    state,
    say: (text, o = {}) => {
      if (!ended) log.push({ kind: 'say', text, remember: o.remember !== false });
    },
    backchannel: () => {
      if (!ended) log.push({ kind: 'backchannel' });
    },
    ask: () => {
      if (!ended) log.push({ kind: 'ask', text: step.question(ctx) });
    },
    listen: () => {
      if (!ended) log.push({ kind: 'listen' });
    },
    settle: () => {
      if (!ended) log.push({ kind: 'settle' });
    },
    recording: (change) => {
      log.push({ kind: 'recording', change });
      if (change === 'pause' && state.recording === 'on') state.recording = 'paused';
      if (change === 'resume' && state.recording === 'paused') state.recording = 'on';
      if (change === 'stop') state.recording = 'stopped';
    },
    goto: async (next) => {
      log.push({ kind: 'goto', step: next });
    },
    end: (outcome, o = {}) => {
      if (ended) return;
      log.push({ kind: 'end', outcome, options: o });
      ended = true;
    },
    escalate: async (reason) => {
      await port.escalate(reason);
      log.push({ kind: 'escalate', reason });
    },
    record: async (kind, data = {}) => {
      await port.recordEvent(kind, data);
    },
  };
  return {
    ctx,
    port,
    log,
    state,
    said: () => log.flatMap((e) => (e.kind === 'say' ? [e.text] : [])),
    gotos: () => log.flatMap((e) => (e.kind === 'goto' ? [e.step] : [])),
    ended: () => {
      const e = log.find((x) => x.kind === 'end');
      return e && e.kind === 'end' ? { outcome: e.outcome, options: e.options } : null;
    },
  };
}
