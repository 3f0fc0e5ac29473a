import nodemailer from 'nodemailer';
import { type MailFailureKind, type MailMessage, MailSendError, type MailSender, type SendOptions } from './sender';
import { type SmtpEndpoint, describeSmtpEndpoint, parseSmtpUrl } from './smtp-url';

export interface SmtpSenderOptions {
  /** See smtp-url.ts for the format. */
  url: string;
  /** The From header, e.g. `aizuchi <no-reply@example.com>`. */
  from: string;
  /** Extra trust anchors (PEM), for a relay with a private CA. */
  tlsCa?: string;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export interface SmtpSender extends MailSender {
  /** `smtp://user:***@host:port`, safe to log. */
  readonly description: string;
  close(): void;
}

// Errors that end the connection rather than judge the message: the same message may go through later.
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET']);
const CONFIG_CODES = new Set(['ECONFIG', 'ENOAUTH', 'EREQUIRETLS', 'EENVELOPE', 'EMAXRECIPIENTS', 'EOAUTH2']);

interface NodemailerLikeError {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  name?: string;
}

/**
 * Maps a nodemailer failure to a MailSendError. 4xx replies are transient and 5xx permanent
 * (RFC 5321), except 503 "bad sequence", which nodemailer already marks non-permanent. The message
 * deliberately carries only codes: server reply text often quotes the recipient address.
 */
export function classifySmtpError(err: unknown): MailSendError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodemailerLikeError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;

  if (code === 'EABORT' || e.name === 'AbortError') {
    return new MailSendError('SMTP send aborted', true, 'aborted', responseCode, code);
  }
  if (responseCode !== undefined && responseCode >= 400) {
    const permanent = e.permanent ?? responseCode >= 500;
    const kind: MailFailureKind = code === 'EAUTH' ? 'auth' : 'rejected';
    const what = kind === 'auth' ? 'authentication failed' : 'server rejected the message';
    return new MailSendError(`SMTP ${what} (${responseCode})`, !permanent, kind, responseCode, code);
  }
  if (code === 'EAUTH') return new MailSendError('SMTP authentication failed', false, 'auth', responseCode, code);
  if (code && CONFIG_CODES.has(code)) {
    return new MailSendError(`SMTP configuration problem (${code})`, false, 'config', responseCode, code);
  }
  if (code && CONNECTION_CODES.has(code)) {
    return new MailSendError(`SMTP connection failed (${code})`, true, 'connection', responseCode, code);
  }
  // Unknown failures retry: the queue's attempt limit bounds the cost, a dropped mail is worse.
  return new MailSendError(`SMTP send failed (${code ?? 'unknown'})`, true, 'unknown', responseCode, code);
}

function transportOptions(endpoint: SmtpEndpoint, opts: SmtpSenderOptions) {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    requireTLS: endpoint.startTls === 'required',
    ignoreTLS: endpoint.startTls === 'never',
    auth: endpoint.auth ?? undefined,
    tls: {
      rejectUnauthorized: endpoint.verifyCertificate,
      ...(opts.tlsCa ? { ca: opts.tlsCa } : {}),
    },
    connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
    greetingTimeout: opts.connectionTimeoutMs ?? 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 30_000,
    // Message content never pulls files or URLs into the mail.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
}

/** A sender that relays through the SMTP server named by one URL. */
export function createSmtpSender(opts: SmtpSenderOptions): SmtpSender {
  const endpoint = parseSmtpUrl(opts.url);
  const transporter = nodemailer.createTransport(transportOptions(endpoint, opts));
  return {
    description: describeSmtpEndpoint(endpoint),
    async send(msg: MailMessage, sendOpts?: SendOptions): Promise<void> {
      try {
        await transporter.sendMail({
          from: opts.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          ...(msg.html !== undefined ? { html: msg.html } : {}),
          messageId: msg.messageId,
          ...(sendOpts?.signal ? { signal: sendOpts.signal } : {}),
        });
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close() {
      transporter.close();
    },
  };
}
