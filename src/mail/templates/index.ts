export type { RenderedMail } from './compose';
export type { CallChannel, TemplateBase } from './common';
export { MailTemplateError, formatMailTime } from './format-time';
export { type RecoveryRequestedParams, recoveryRequested } from './recovery-requested';
export { type VerificationCodeParams, verificationCode } from './verification-code';
export { type MfaResetParams, mfaReset } from './mfa-reset';
export { type RecoveryCancelledParams, recoveryCancelled } from './recovery-cancelled';
export { type CallRescheduledParams, type CallScheduledParams, callRescheduled, callScheduled } from './call-scheduled';
export { type RecoveryHammeredParams, recoveryHammered } from './security-alerts';
