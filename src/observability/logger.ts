import pino, { type Logger } from 'pino';
import { scrubDeep, scrubText, scrubUrl } from './scrub';

export type { Logger };

/** Request lines: method and path only; the path's token segments scrubbed, the query string dropped. */
function requestFields(req: { method?: string; url?: string }) {
  return { method: req.method, path: scrubUrl(req.url ?? '') };
}

/** Errors keep type and code; message and stack lose query values, tokens and addresses. */
function errorFields(err: Error) {
  // The serializer's result has its own prototype; spread it so scrubDeep treats it as plain data.
  return scrubDeep({ ...(pino.stdSerializers.err(err) as unknown as Record<string, unknown>) });
}

/**
 * Structured logs. Messages are constant strings; anything personal goes under `pii.*`, which is
 * redacted here, and secrets (passwords, codes, TOTP secrets) are never passed at all — the redact
 * list below is a second line of defence, not the first. A third (issue 7, finding 7: redact at the
 * sink): every string field and message is scrubbed of link tokens (in query strings and in paths such as
 * `/call/<token>`) and email addresses, and `req` serializes to method + scrubbed path.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'aizuchi' },
      redact: {
        paths: ['pii', 'pii.*', '*.password', '*.code', '*.secret', 'token', '*.token', 'req.headers.cookie', 'req.headers.authorization'],
        censor: '[redacted]',
      },
      serializers: { req: requestFields, err: errorFields },
      formatters: { log: (obj) => scrubDeep(obj) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a: unknown) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
