/**
 * The one error base. Every error aizuchi throws on purpose is an AizuchiError, so a log line, a
 * job queue or an escalated call can say what failed without parsing messages:
 *
 * - `name`: the subclass name (set here from `new.target`), e.g. `WavError`.
 * - `code`: a stable, machine-readable reason (snake_case or a provider's own code), never PII.
 * - `retryable`: whether doing the same thing again may succeed. The job queue treats `false` as a
 *   permanent failure (jobs/queue.ts isPermanentJobFailure), so a class only says `false` when a
 *   retry can never help; the default `true` keeps the queue retrying as it always did.
 * - `cause`: the underlying error, when there was one (ES2022 error cause).
 *
 * A leaf module: it imports nothing, so every area may depend on it.
 */
export interface AizuchiErrorOptions {
  readonly code: string;
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

export class AizuchiError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, options: AizuchiErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retryable = options.retryable ?? true;
  }
}

/** The name and code of any thrown value, for a constant log message with fields (never the message, which may hold PII). */
export function errorFields(error: unknown): { errorName: string; errorCode: string | undefined } {
  if (error instanceof AizuchiError) return { errorName: error.name, errorCode: error.code };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { errorName: error.name, errorCode: typeof code === 'string' ? code : undefined };
  }
  return { errorName: typeof error, errorCode: undefined };
}
