import { AizuchiError } from '../domain/errors';
/** Typed errors of the conversation engine. None of them carries caller text or codes. */
export class AgentError extends AizuchiError {
  declare readonly code: 'invalid_event' | 'invalid_context' | 'invariant';
  constructor(code: 'invalid_event' | 'invalid_context' | 'invariant', message: string) {
    super(message, { code });
  }
}
