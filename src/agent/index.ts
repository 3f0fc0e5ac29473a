/** Public surface of the conversation engine; channels and the call session import from here. */
export { createAgent, type Agent, type AgentDeps, type AgentSnapshot } from './engine';
export { AgentError } from './errors';
export { systemTimers } from './port';
export type { AgentEventKind, CheckCodeResult, EventData, HostPort, ResetResult, SendCodeResult, TimerHandle, TimerPort } from './port';
export { DEFAULT_TUNING } from './tuning';
export type {
  AgentAction,
  AgentEvent,
  AgentTuning,
  CallContext,
  Endpointing,
  EscalationReason,
  ListenExpecting,
  Outcome,
  OutcomeDetail,
  Policy,
  SayAs,
  StepName,
} from './types';
export { createIntentReader, type IntentReader } from './understanding/intents';
