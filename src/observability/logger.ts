import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Messages are constant strings; anything personal goes under `pii.*`, which is
 * redacted here, and secrets (passwords, codes, TOTP secrets) are never passed at all — the redact
 * list below is a second line of defence, not the first.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'aizuchi' },
      redact: {
        paths: ['pii', 'pii.*', '*.password', '*.code', '*.secret', 'req.headers.cookie', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
