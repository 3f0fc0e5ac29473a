/** Calls: sessions, the agent's host port, call links, transcripts, the cooling-off reset job. */
export {
  type CallService,
  type CallServiceDeps,
  type CallSettings,
  type ConnectResult,
  type StartedCall,
  callUrl,
  createCallService,
} from './call-service';
export type { CallChannel, CallerInput } from '../channels/call-channel';
export { MFA_RESET_DUE_JOB, MFA_RESET_RESUME_JOB } from './mfa-reset';
export { createTextDialer } from './text-dialer';
