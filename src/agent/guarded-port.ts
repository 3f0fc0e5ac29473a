import { AgentError } from './errors';
import type { HostPort } from './port';

/**
 * The port as steps see it: every call passes through, except that resetMfa is refused (AgentError
 * 'invariant', a rejected promise) unless `allowReset()` says this call verified the code, raised no
 * risk flag and has not ended. The policy behind the real port still decides the reset itself.
 */
export function guardPort(port: HostPort, allowReset: () => boolean): HostPort {
  return {
    checkEmail: (email) => port.checkEmail(email),
    sendCode: () => port.sendCode(),
    checkCode: (digits) => port.checkCode(digits),
    reschedule: () => port.reschedule(),
    escalate: (reason) => port.escalate(reason),
    ...(port.handOver ? { handOver: () => port.handOver!() } : {}),
    recordEvent: (kind, data) => port.recordEvent(kind, data),
    resetMfa: () => {
      if (!allowReset()) return Promise.reject(new AgentError('invariant', 'resetMfa requires a verified code and no risk flag'));
      return port.resetMfa();
    },
  };
}
