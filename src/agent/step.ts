import type { Lang } from '../domain/lang';
import type { IntentReader, GlobalIntent } from './understanding/intents';
import type { HostPort, AgentEventKind, EventData } from './port';
import type { PromptSet } from './prompts';
import type {
  AgentTuning,
  CallContext,
  Endpointing,
  EscalationReason,
  ListenExpecting,
  Outcome,
  OutcomeDetail,
  SayAs,
  StepName,
} from './types';

/** Facts established during the call; steps read and set them, the engine enforces them. */
export interface CallState {
  rightPartyConfirmed: boolean;
  recording: 'on' | 'paused' | 'stopped';
  emailVerified: boolean;
  /** Set only when the port's checkCode returned 'ok' on this call. */
  codeVerified: boolean;
  riskFlags: Set<string>;
}

export interface SayOptions {
  interruptible?: boolean;
  /** False for side remarks ("take your time") so "repeat" replays the real question instead. */
  remember?: boolean;
  sayAs?: SayAs;
}

export interface EndOptions {
  detail?: OutcomeDetail;
  hangup?: boolean;
}

/** What a step may do. Everything it says goes through here, so rate, transcript and timers stay consistent. */
export interface StepContext {
  readonly lang: Lang;
  readonly call: CallContext;
  readonly tuning: AgentTuning;
  readonly prompts: PromptSet;
  readonly intents: IntentReader;
  /** Guarded: resetMfa throws unless checkCode returned 'ok' on this call. */
  readonly port: HostPort;
  readonly state: CallState;
  say(text: string, options?: SayOptions): void;
  /** Aizuchi without taking the turn. */
  backchannel(): void;
  /** Ask the current step's question and listen. */
  ask(): void;
  listen(): void;
  /**
   * Holds a complete entry (code, address) for `tuning.settleMs` before acting on it, so a correction or
   * the rest of it in the caller's next turn still counts (issue 9). When the window runs out with the
   * caller quiet, the step's `onSettled` runs. A caller still talking (interim results) restarts the
   * window; their next final turn or key press cancels it and goes to the step, which may settle again.
   */
  settle(): void;
  recording(change: 'pause' | 'resume' | 'stop'): void;
  goto(step: StepName): Promise<void>;
  end(outcome: Outcome, options?: EndOptions): void;
  /** Tell the host (port) and the channel (action) that a person takes over. */
  escalate(reason: EscalationReason): Promise<void>;
  record(kind: AgentEventKind, data?: EventData): Promise<void>;
}

/** 'no_content': nothing usable for this step; the engine says "sorry?" and asks again, with a limit. */
export type StepResult = 'handled' | 'no_content';

/**
 * One stage of the call, with an explicit lifecycle: enter once, handle caller input, exit once
 * (on moving on or on the call ending). Steps keep their own short-lived state in a closure.
 */
export interface Step {
  readonly name: StepName;
  readonly expecting: ListenExpecting;
  readonly endpointing: Endpointing;
  /** Global intents this step lets through; others are treated as step content. */
  readonly intents: ReadonlySet<GlobalIntent>;
  enter(ctx: StepContext): Promise<void> | void;
  /** The short question to ask again after a side remark, "sorry?" or silence. */
  question(ctx: StepContext): string;
  onUtterance(text: string, ctx: StepContext, confidence?: number): Promise<StepResult> | StepResult;
  onDtmf?(digits: string, ctx: StepContext): Promise<StepResult> | StepResult;
  /** The settle window asked for with `ctx.settle()` ran out with no more caller input. */
  onSettled?(ctx: StepContext): Promise<void> | void;
  /** A global intent the step handles itself (e.g. "I didn't get the email" in the code step). */
  onIntent?(intent: GlobalIntent, ctx: StepContext): Promise<boolean> | boolean;
  /** Silence; return false for the engine's default ("are you there?" + question). */
  onNoInput?(ctx: StepContext): boolean;
  /** How caller speech in this step appears in the transcript (redaction lives here). */
  transcriptOf?(text: string, ctx: StepContext): string;
  exit?(ctx: StepContext, why: 'next' | 'end'): void;
}
