import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Clock } from '../domain/clock';
import { maskEmail } from '../domain/phone';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/connect';
import { storeCaughtMessage } from './mail-store';
import type { MailSender } from './sender';
import { createSmtpSender } from './smtp-sender';
import { AizuchiError } from '../domain/errors';

export const DEFAULT_CATCHER_MAX_BYTES = 1024 * 1024;

export interface MailCatcherOptions {
  store: Pick<Store, 'db'>;
  /** Loopback by default: the catcher has no authentication. */
  host?: string;
  /** 0 picks a free port (tests); the product default is 2525 (AIZUCHI_MAIL_CATCHER_PORT). */
  port: number;
  logger: Logger;
  clock: Clock;
  maxMessageBytes?: number;
}

export interface MailCatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bound port once started (differs from the option when that was 0). */
  readonly port: number;
  readonly host: string;
}

export class MailCatcherError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'mail_catcher', cause: options?.cause });
  }
}

type SmtpReplyError = Error & { responseCode: number };

function reply(responseCode: number, message: string): SmtpReplyError {
  return Object.assign(new Error(message), { responseCode });
}

// A loose shape check only: the catcher must accept real-world addresses (Japanese carrier mail
// still has `a..b@docomo.ne.jp`), but not things that cannot be an address at all.
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

/**
 * The built-in mail catcher: a real SMTP server on loopback that stores every message in
 * `mail_messages`, so a default install exercises the full SMTP path and the inbox page can show
 * the verification code. Not a relay: nothing leaves the machine.
 */
export function createMailCatcher(opts: MailCatcherOptions): MailCatcher {
  const host = opts.host ?? '127.0.0.1';
  const maxBytes = opts.maxMessageBytes ?? DEFAULT_CATCHER_MAX_BYTES;
  const log = opts.logger.child({ component: 'mail-catcher' });
  let boundPort = opts.port;
  let running = false;

  async function accept(raw: Buffer, session: SMTPServerSession): Promise<void> {
    let parsed;
    try {
      parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
    } catch {
      throw reply(554, '5.6.0 Message could not be parsed');
    }
    if (!parsed.from) throw reply(550, '5.6.0 Message has no From header');
    const from = parsed.from.text;
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    try {
      const result = await storeCaughtMessage(opts.store.db, {
        messageId: parsed.messageId ?? null,
        to: recipients.join(', '),
        from,
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : null,
        receivedAt: opts.clock.now().toISOString(),
      });
      log.info({ to: recipients.map(maskEmail), result }, 'mail caught');
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'mail catcher could not store a message');
      // Transient: the sender keeps the message and tries again, so nothing is lost.
      throw reply(451, '4.3.0 Temporary storage failure, try again later');
    }
  }

  function onData(stream: SMTPServerDataStream, session: SMTPServerSession, done: (err?: Error | null) => void) {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      // Keep draining an oversized message (the client is still sending) but stop buffering it.
      if (size <= maxBytes) chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('error', () => done(reply(451, '4.3.0 Message stream failed')));
    stream.on('end', () => {
      if (stream.sizeExceeded || size > maxBytes) {
        done(reply(552, `5.3.4 Message exceeds the maximum size of ${maxBytes} bytes`));
        return;
      }
      accept(Buffer.concat(chunks), session).then(
        () => done(),
        (err: Error) => done(err),
      );
    });
  }

  const server = new SMTPServer({
    name: 'aizuchi-mail-catcher',
    banner: 'aizuchi mail catcher',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    lenientAddressParsing: true,
    disableReverseLookup: true,
    logger: false,
    maxClients: 50,
    closeTimeout: 5000,
    onRcptTo(address, _session, cb) {
      if (!ADDRESS.test(address.address)) return cb(reply(553, '5.1.3 Recipient address is not valid'));
      cb();
    },
    onData,
  });
  // smtp-server reports client socket trouble here; an unhandled 'error' event would end the process.
  // A failed listen is reported once, by start()'s rejection, not also logged here.
  server.on('error', (err: Error) => {
    if (running) log.warn({ err: { message: err.message } }, 'mail catcher connection error');
  });

  return {
    get port() {
      return boundPort;
    },
    host,
    start() {
      return new Promise<void>((resolve, reject) => {
        const onListenError = (err: NodeJS.ErrnoException) => {
          reject(new MailCatcherError(`mail catcher could not listen on ${host}:${opts.port}: ${err.code ?? err.message}`));
        };
        server.server.once('error', onListenError);
        server.listen(opts.port, host, () => {
          server.server.off('error', onListenError);
          boundPort = (server.server.address() as AddressInfo).port;
          running = true;
          log.info({ host, port: boundPort }, 'mail catcher listening');
          resolve();
        });
      });
    },
    stop() {
      if (!running) return Promise.resolve();
      running = false;
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The SMTP sender pointed at the catcher, so default installs go through the same nodemailer path
 * as a real relay. Built on first send so it can be created before the catcher has its port.
 */
export function createCatcherSender(opts: { catcher: Pick<MailCatcher, 'host' | 'port'>; from: string }): MailSender {
  let sender: ReturnType<typeof createSmtpSender> | null = null;
  return {
    send(msg, sendOpts) {
      if (!sender) {
        const h = opts.catcher.host.includes(':') ? `[${opts.catcher.host}]` : opts.catcher.host;
        sender = createSmtpSender({ url: `smtp://${h}:${opts.catcher.port}?starttls=never`, from: opts.from });
      }
      return sender.send(msg, sendOpts);
    },
  };
}
