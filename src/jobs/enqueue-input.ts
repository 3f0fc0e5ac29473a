import { type EnqueueOptions, JobInputError } from './queue';

const KIND_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,99}$/i;

/** The default attempts before a job is dead, when neither enqueue nor the queue says. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** What an enqueue call asks for, once checked: the payload as JSON text and every default filled in. */
export interface CheckedEnqueue {
  readonly payloadJson: string;
  readonly runAt: Date;
  readonly maxAttempts: number;
  readonly dedupeKey: string | null;
}

/**
 * The argument rules every JobQueue applies before queueing anything (queue.ts, JobInputError): a
 * kind of 1-100 letters, digits or `. _ : -` starting with a letter or digit; a JSON-serialisable
 * payload (undefined is stored as null); a valid runAt (default `now`); whole maxAttempts ≥ 1
 * (default `defaultMaxAttempts`); a non-empty dedupeKey when given. One module so the embedded queue
 * and the test fake cannot disagree. Throws JobInputError, which never echoes the payload (personal data).
 */
export function checkEnqueue(
  kind: string,
  payload: unknown,
  opts: EnqueueOptions,
  now: Date,
  defaultMaxAttempts = DEFAULT_MAX_ATTEMPTS,
): CheckedEnqueue {
  if (!KIND_PATTERN.test(kind)) throw new JobInputError(`job kind "${kind}" must be 1-100 letters, digits or . _ : -`);
  const maxAttempts = opts.maxAttempts ?? defaultMaxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new JobInputError(`job "${kind}": maxAttempts must be a whole number ≥ 1`);
  }
  if (opts.runAt !== undefined && !Number.isFinite(opts.runAt.getTime())) {
    throw new JobInputError(`job "${kind}": runAt is not a valid date`);
  }
  if (opts.dedupeKey !== undefined && opts.dedupeKey.length === 0) {
    throw new JobInputError(`job "${kind}": dedupeKey must not be empty`);
  }
  return { payloadJson: serialisePayload(kind, payload), runAt: opts.runAt ?? now, maxAttempts, dedupeKey: opts.dedupeKey ?? null };
}

function serialisePayload(kind: string, payload: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload ?? null);
  } catch {
    text = undefined;
  }
  // The payload itself is never echoed: it may hold personal data.
  if (text === undefined) throw new JobInputError(`job "${kind}": payload is not JSON-serialisable`);
  return text;
}
