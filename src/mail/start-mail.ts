import type { Clock } from '../domain/clock';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/connect';
import { type MailCatcher, createCatcherSender, createMailCatcher } from './mail-catcher';
import type { MailSender } from './sender';
import { createSmtpSender } from './smtp-sender';

export interface StartMailOptions {
  /** config.mail.smtpUrl: null means the built-in catcher. */
  smtpUrl: string | null;
  from: string;
  /** config.mail.catcherPort. */
  catcherPort: number;
  store: Pick<Store, 'db'>;
  logger: Logger;
  clock: Clock;
}

export interface MailSetup {
  sender: MailSender;
  /** Set when mail goes to the built-in catcher; register mailCatcherPlugin only then. */
  catcher: MailCatcher | null;
  stop(): Promise<void>;
}

/**
 * The one decision main makes about mail: a real relay when AIZUCHI_SMTP_URL is set, otherwise the
 * built-in catcher (started here) behind the same SMTP sender. A bad URL throws SmtpUrlError at boot.
 */
export async function startMail(opts: StartMailOptions): Promise<MailSetup> {
  const log = opts.logger.child({ component: 'mail' });
  if (opts.smtpUrl) {
    const sender = createSmtpSender({ url: opts.smtpUrl, from: opts.from });
    log.info({ relay: sender.description }, 'mail goes out through the SMTP relay');
    return { sender, catcher: null, stop: async () => sender.close() };
  }
  const catcher = createMailCatcher({ store: opts.store, port: opts.catcherPort, logger: opts.logger, clock: opts.clock });
  await catcher.start();
  log.info({ port: catcher.port }, 'mail goes to the built-in catcher; read it at /dev/mail');
  return { sender: createCatcherSender({ catcher, from: opts.from }), catcher, stop: () => catcher.stop() };
}
