export type { RenderedMail } from './compose';
export type { CallChannel, TemplateBase } from './common';
export { MailTemplateError, formatMailTime } from './format-time';
export { type RecoveryRequestedParams, recoveryRequested } from './recovery-requested';
export { type VerificationCodeParams, verificationCode } from './verification-code';
export { type MfaResetParams, mfaReset } from './mfa-reset';
export { type RecoveryCancelledParams, recoveryCancelled } from './recovery-cancelled';
export { type CallRescheduledParams, type CallScheduledParams, callRescheduled, callScheduled } from './call-scheduled';
export { type RecoveryHammeredParams, type ResetDisownedParams, recoveryHammered, resetDisowned } from './security-alerts';
export { type RecoveryNoAccountParams, recoveryNoAccount } from './recovery-no-account';
export { type CallsExhaustedParams, callsExhausted } from './calls-exhausted';
export {
  type HandedOverParams,
  type HumanCallbackParams,
  type RequestClosedParams,
  handedOver,
  humanCallbackScheduled,
  requestClosed,
} from './escalation-mails';
