import { createAgent, type Agent } from '../engine';
import type { IntentReader } from '../understanding/intents';
import { DEFAULT_TUNING } from '../tuning';
import type { AgentAction, AgentTuning, CallContext, Outcome } from '../types';
import { createFakeClock, type FakeClock } from './fake-clock';
import { createFakePort, type FakePort, type FakePortOptions } from './fake-port';

/** The story's account: matty@gmail.com and the code read back as 1267 5693. */
export const STORY_ACCOUNT = { email: 'matty@gmail.com', code: '12675693', phone: '09012345678' } as const;

export const STORY_CONTEXT_JA: CallContext = {
  lang: 'ja',
  companyName: 'エーダブリューエス',
  agentName: '佐藤',
  customerName: '猪股',
  policy: 'standard',
  keypadOnlyCodes: false,
};

export const STORY_CONTEXT_EN: CallContext = {
  ...STORY_CONTEXT_JA,
  lang: 'en',
  companyName: 'Acme Cloud',
  agentName: 'Sam',
  customerName: 'Alex Inomata',
};

export interface HarnessOptions {
  context?: Partial<CallContext>;
  port?: Partial<FakePortOptions>;
  tuning?: Partial<AgentTuning>;
  /** Share one compiled reader across many calls (benchmarks), as a host would. */
  intents?: IntentReader;
  /** The host's channel reports playout (audio channels), as AgentDeps.playoutReported. */
  playoutReported?: boolean;
}

export interface CallHarness {
  agent: Agent;
  clock: FakeClock;
  port: FakePort;
  /** Every action so far, including timer-driven ones. */
  actions: AgentAction[];
  start(): Promise<AgentAction[]>;
  /** A final utterance from the caller. */
  say(text: string, confidence?: number): Promise<AgentAction[]>;
  key(digits: string): Promise<AgentAction[]>;
  /** Lets time pass with the caller silent; resolves after the agent reacted. */
  silence(ms: number): Promise<AgentAction[]>;
  /** The caller stays quiet for the settle window after a whole code or address; resolves with the check's reply. */
  settle(): Promise<AgentAction[]>;
  hangup(): Promise<AgentAction[]>;
  agentTexts(): string[];
  outcome(): Outcome | null;
}

/** One call against a fake port and fake clock: what unit tests, red-team scripts and benchmarks drive. */
export function createHarness(options: HarnessOptions = {}): CallHarness {
  const context: CallContext = { ...STORY_CONTEXT_JA, ...options.context };
  const clock = createFakeClock(Date.UTC(2021, 5, 7, 0, 30));
  const port = createFakePort({ account: { ...STORY_ACCOUNT }, ...options.port });
  const actions: AgentAction[] = [];
  const settleMs = options.tuning?.settleMs ?? DEFAULT_TUNING.settleMs;
  const agent = createAgent({
    context,
    port,
    timers: clock,
    tuning: options.tuning,
    intents: options.intents,
    playoutReported: options.playoutReported,
    onAction: (a) => actions.push(a),
  });
  const since = async (run: () => Promise<unknown>): Promise<AgentAction[]> => {
    const before = actions.length;
    await run();
    await agent.idle();
    return actions.slice(before);
  };
  return {
    agent,
    clock,
    port,
    actions,
    start: () => since(() => agent.handle({ type: 'start' })),
    say: (text, confidence) =>
      since(() => agent.handle({ type: 'utterance', text, isFinal: true, ...(confidence !== undefined ? { confidence } : {}) })),
    key: (digits) => since(() => agent.handle({ type: 'dtmf', digits })),
    silence: (ms) =>
      since(async () => {
        clock.advance(ms);
      }),
    settle: () =>
      since(async () => {
        clock.advance(settleMs);
      }),
    hangup: () => since(() => agent.handle({ type: 'hangup' })),
    agentTexts: () => actions.flatMap((a) => (a.type === 'say' || a.type === 'backchannel' ? [a.text] : [])),
    outcome: () => agent.snapshot().outcome,
  };
}

/** Texts spoken in a batch of actions. */
export function spoken(actions: readonly AgentAction[]): string[] {
  return actions.flatMap((a) => (a.type === 'say' ? [a.text] : []));
}

/**
 * For benchmarks: wall and CPU time from feeding an event to the engine's reply (port calls are instant
 * fakes). CPU time is the one to hold under 5 ms: wall time also counts the machine being busy elsewhere.
 */
export async function timeReply(
  agent: Agent,
  event: Parameters<Agent['handle']>[0],
): Promise<{ ms: number; cpuMs: number; said: boolean }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const replies = await agent.handle(event);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    said: replies.some((a) => a.type === 'say' || a.type === 'backchannel'),
  };
}
