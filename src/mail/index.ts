/** The mail area's public surface; main.ts and other areas import from here. */
export { type MailFailureKind, type MailMessage, MailSendError, type MailSender, type SendOptions, isMailSendError } from './sender';
export { type SmtpEndpoint, SmtpUrlError, type StartTlsMode, describeSmtpEndpoint, parseSmtpUrl } from './smtp-url';
export { type SmtpSender, type SmtpSenderOptions, classifySmtpError, createSmtpSender } from './smtp-sender';
export {
  DEFAULT_CATCHER_MAX_BYTES,
  type MailCatcher,
  MailCatcherError,
  type MailCatcherOptions,
  createCatcherSender,
  createMailCatcher,
} from './mail-catcher';
/** The name the brief uses for the SMTP sender pointed at the catcher. */
export { createCatcherSender as catcherSender } from './mail-catcher';
export { type CaughtMessage, MAIL_LIST_LIMIT, getCaughtMessage, listCaughtMessages } from './mail-store';
export {
  type EnqueueMailOptions,
  MAIL_JOB,
  type MailJobHandlerDeps,
  type MailJobPayload,
  MailJobPayloadError,
  type MailToEnqueue,
  createMailJobHandler,
  enqueueMail,
  mailJobPayloadSchema,
} from './mail-job';
export { type MailSetup, type StartMailOptions, startMail } from './start-mail';
export * from './templates';
