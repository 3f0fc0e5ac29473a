/** Typed errors of the conversation engine. None of them carries caller text or codes. */
export class AgentError extends Error {
  constructor(
    readonly code: 'invalid_event' | 'invalid_context' | 'invariant',
    message: string,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}
