import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import { type MailCatcher, createCatcherSender, createMailCatcher } from '../mail/mail-catcher';
import type { MailSender } from '../mail/sender';
import { createSmtpSender } from '../mail/smtp-sender';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/connect';

/**
 * Mail from configuration: a real relay when AIZUCHI_SMTP_URL is set, otherwise the built-in
 * catcher on loopback (not started here; the server starts it, so CLI commands never bind its port).
 */
export function composeMail(
  config: Config,
  deps: { store: Store; logger: Logger; clock: Clock },
): { sender: MailSender; catcher: MailCatcher | null } {
  const { smtpUrl, from, catcherPort } = config.mail;
  if (smtpUrl) return { sender: createSmtpSender({ url: smtpUrl, from }), catcher: null };
  const catcher = createMailCatcher({ store: deps.store, host: '127.0.0.1', port: catcherPort, logger: deps.logger, clock: deps.clock });
  return { sender: createCatcherSender({ catcher, from }), catcher };
}
