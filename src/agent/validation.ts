import { isLang } from '../domain/lang';
import { AgentError } from './errors';
import type { AgentEvent, CallContext } from './types';

const DTMF = /^[0-9*#A-Da-d]+$/;

/** Rejects malformed events with a clear error (never echoing their content, which may hold a code). */
export function validateEvent(event: unknown): asserts event is AgentEvent {
  if (typeof event !== 'object' || event === null || !('type' in event)) {
    throw new AgentError('invalid_event', 'event must be an object with a type');
  }
  const e = event as Record<string, unknown>;
  switch (e.type) {
    case 'start':
    case 'no_input':
    case 'prompt_played':
    case 'take_over':
    case 'hangup':
      return;
    case 'utterance':
      if (typeof e.text !== 'string') throw new AgentError('invalid_event', 'utterance.text must be a string');
      if (typeof e.isFinal !== 'boolean') throw new AgentError('invalid_event', 'utterance.isFinal must be a boolean');
      if (e.confidence !== undefined && (typeof e.confidence !== 'number' || Number.isNaN(e.confidence))) {
        throw new AgentError('invalid_event', 'utterance.confidence must be a number');
      }
      return;
    case 'dtmf':
      if (typeof e.digits !== 'string' || !DTMF.test(e.digits)) {
        throw new AgentError('invalid_event', 'dtmf.digits must be keypad characters 0-9 * # A-D');
      }
      return;
    default:
      throw new AgentError('invalid_event', 'unknown event type');
  }
}

export function validateContext(context: CallContext): void {
  if (!isLang(context.lang)) throw new AgentError('invalid_context', 'context.lang must be ja or en');
  if (!context.companyName?.trim()) throw new AgentError('invalid_context', 'context.companyName is required');
  if (!context.agentName?.trim()) throw new AgentError('invalid_context', 'context.agentName is required');
  if (context.policy !== 'standard' && context.policy !== 'strict' && context.policy !== 'mailbox') {
    throw new AgentError('invalid_context', 'context.policy must be standard, strict or mailbox');
  }
}
