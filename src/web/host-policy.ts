import { isLoopbackHost } from '../config';
import { AizuchiError } from '../domain/errors';

/**
 * Which interfaces the web app may listen on, given what it serves. The built-in mail catcher's
 * inbox (/dev/mail) shows every mail it caught, codes included: fine on a developer's loopback,
 * never on a network (README, AIZUCHI_SMTP_URL). So a non-loopback HOST requires a real relay (AIZUCHI_SMTP_URL).
 */
export class UnsafeMailCatcherError extends AizuchiError {
  constructor(host: string) {
    super(
      `HOST=${host} would publish the built-in mail catcher's inbox (every code it sent); set AIZUCHI_SMTP_URL to a real relay, or keep HOST on loopback`,
      { code: 'unsafe_host' },
    );
  }
}

/**
 * Throws UnsafeMailCatcherError when the mail catcher's inbox would be served on `host` and that
 * host is not loopback. Called before the catcher starts, so nothing is ever published.
 */
export function assertHostPolicy(args: { host: string; servesMailCatcher: boolean }): void {
  if (args.servesMailCatcher && !isLoopbackHost(args.host)) throw new UnsafeMailCatcherError(args.host);
}
