import { createHash } from 'node:crypto';
import { z } from 'zod';
import { maskEmail } from '../domain/phone';
import type { EnqueueOptions, JobHandler, JobQueue, StoreTransaction } from '../jobs/queue';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { type MailSender, isMailSendError } from './sender';
import { AizuchiError } from '../domain/errors';

/** The job kind that sends one mail. */
export const MAIL_JOB = 'mail.send';

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
const MESSAGE_ID = /^<[^\s<>@]+@[^\s<>@]+>$/;

export const mailJobPayloadSchema = z.object({
  to: z.string().max(320).regex(ADDRESS),
  subject: z.string().max(998),
  text: z.string().max(512 * 1024),
  html: z
    .string()
    .max(512 * 1024)
    .optional(),
  /** Fixed when the job is enqueued, so every retry sends the same Message-ID and the catcher (or a relay that dedupes) keeps one copy. */
  messageId: z.string().max(250).regex(MESSAGE_ID).optional(),
  /** Which template made it; a metrics label only. */
  template: z
    .string()
    .regex(/^[a-zA-Z][\w.-]{0,39}$/)
    .optional(),
});

export type MailJobPayload = z.infer<typeof mailJobPayloadSchema>;

/** A payload that can never be sent; retrying will not help. */
export class MailJobPayloadError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'mail_payload', retryable: false, cause: options?.cause });
  }
}

function parsePayload(payload: unknown): MailJobPayload {
  const parsed = mailJobPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    // Field names only: the values are personal data.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(payload)'))].join(', ');
    throw new MailJobPayloadError(`mail job payload is invalid: ${fields}`);
  }
  return parsed.data;
}

function messageIdFor(seed: string, domain: string): string {
  return `<${createHash('sha256').update(`aizuchi-mail\0${seed}`).digest('hex').slice(0, 32)}@${domain}>`;
}

export interface MailJobHandlerDeps {
  sender: MailSender;
  logger: Logger;
  metrics?: Pick<Metrics, 'mailSent'>;
  /** Right-hand side of Message-IDs made for payloads that lack one. */
  messageIdDomain?: string;
}

/**
 * Sends the mail in a `mail.send` job. Delivery is at-least-once (a crash after the relay said 250
 * but before the job was marked done sends it again); the deterministic Message-ID lets the
 * catcher store it once. Failures are rethrown as MailSendError, whose `retryable` says whether
 * another attempt can succeed. Logs carry the masked address only, never subject or body.
 */
export function createMailJobHandler(deps: MailJobHandlerDeps): JobHandler {
  const log = deps.logger.child({ component: 'mail' });
  const domain = deps.messageIdDomain ?? 'aizuchi.localhost';
  return async (payload, ctx) => {
    const msg = parsePayload(payload);
    const to = maskEmail(msg.to);
    const template = msg.template ?? 'other';
    try {
      await deps.sender.send(
        {
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          ...(msg.html !== undefined ? { html: msg.html } : {}),
          messageId: msg.messageId ?? messageIdFor(`job:${ctx.jobId}`, domain),
        },
        { signal: ctx.signal },
      );
    } catch (err) {
      const details = isMailSendError(err)
        ? { retryable: err.retryable, failure: err.kind, responseCode: err.responseCode, code: err.smtpCode }
        : { errorName: (err as Error)?.name };
      log.warn({ jobId: ctx.jobId, attempt: ctx.attempt, to, template, ...details }, 'mail send failed');
      throw err;
    }
    deps.metrics?.mailSent.inc({ template });
    log.info({ jobId: ctx.jobId, attempt: ctx.attempt, to, template }, 'mail sent');
  };
}

export interface MailToEnqueue {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * Names this one logical mail, e.g. `recovery-requested:<caseId>` or `verification-code:<codeId>`
   * (no personal data). The Message-ID and the queue's dedupe key derive from it, so enqueueing
   * the same mail twice queues it once and retries are stored once by the catcher.
   */
  key: string;
  template?: string;
}

export interface EnqueueMailOptions extends Pick<EnqueueOptions, 'runAt' | 'maxAttempts'> {
  messageIdDomain?: string;
}

/** Queues a mail, inside the caller's transaction when `trx` is given. Returns the job id. */
export async function enqueueMail(
  queue: Pick<JobQueue, 'enqueue'>,
  msg: MailToEnqueue,
  trx?: StoreTransaction,
  opts: EnqueueMailOptions = {},
): Promise<string> {
  if (!msg.key) throw new MailJobPayloadError('mail key is required');
  const payload = parsePayload({
    to: msg.to,
    subject: msg.subject,
    text: msg.text,
    ...(msg.html !== undefined ? { html: msg.html } : {}),
    messageId: messageIdFor(`key:${msg.key}`, opts.messageIdDomain ?? 'aizuchi.localhost'),
    ...(msg.template !== undefined ? { template: msg.template } : {}),
  });
  const dedupeKey = `mail:${createHash('sha256').update(msg.key).digest('hex').slice(0, 40)}`;
  return queue.enqueue(MAIL_JOB, payload, { dedupeKey, runAt: opts.runAt, maxAttempts: opts.maxAttempts }, trx);
}
