import { AizuchiError } from '../domain/errors';
/** One outgoing message. `messageId` is an RFC 5322 Message-ID such as `<abc@aizuchi.localhost>`. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  messageId: string;
}

export interface SendOptions {
  /** Cancels a send in progress (e.g. the job's signal on shutdown). */
  signal?: AbortSignal;
}

/** Anything that delivers mail: the SMTP relay, the built-in catcher, a test double. */
export interface MailSender {
  send(msg: MailMessage, opts?: SendOptions): Promise<void>;
}

export type MailFailureKind = 'auth' | 'rejected' | 'connection' | 'config' | 'aborted' | 'unknown';

/**
 * A send that failed. `retryable` tells the job queue whether the same message may go through
 * later (4xx replies, dropped connections) or never will (5xx replies, bad credentials, bad config).
 */
export class MailSendError extends AizuchiError {
  /** The failure's kind is its code. */
  declare readonly code: MailFailureKind;
  constructor(
    message: string,
    retryable: boolean,
    readonly kind: MailFailureKind,
    readonly responseCode?: number,
    /** The transport's own error code (EAUTH, ECONNECTION, …), when it gave one (was `code`). */
    readonly smtpCode?: string,
  ) {
    super(message, { code: kind, retryable });
  }
}

export function isMailSendError(err: unknown): err is MailSendError {
  return err instanceof MailSendError;
}
