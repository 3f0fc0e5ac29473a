import { openText, sealText } from '../store/seal';
import type { JobSystem } from './job-system';
import { type JobHandler, JobInputError, PermanentJobError } from './queue';

/** A sealed payload as the engine stores it: one field, so engines, dedupe and scrubbing need not know. */
interface SealedPayload {
  sealed: string;
}

const contextFor = (kind: string) => `job:${kind}`;

function isSealed(payload: unknown): payload is SealedPayload {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    Object.keys(payload).length === 1 &&
    typeof (payload as { sealed?: unknown }).sealed === 'string'
  );
}

/**
 * The payload a handler gets from one as stored: opened when sealed, as it is when not (queued before
 * sealing). Throws PermanentJobError for a sealed one that does not open under `key` for `kind`.
 */
export function openJobPayload(key: Buffer, kind: string, stored: unknown): unknown {
  if (!isSealed(stored)) return stored;
  const json = openText(key, stored.sealed, contextFor(kind));
  if (json === undefined) throw new PermanentJobError(`job "${kind}": payload was not sealed by this deployment's key`);
  return JSON.parse(json) as unknown;
}

/**
 * Job payloads sealed while they wait (security, issue 11). A mail job carries the verification code,
 * the softphone and "this wasn't me" links and the address; both engines keep the payload as JSON in
 * the database (pg-boss `pgboss.job.data`, the embedded `jobs.payload`) until the job is done, and
 * for as long as it is retried. Anyone who can read the database could read them. Here every payload
 * is sealed (store/seal.ts, AES-256-GCM under Keys.jobs, the job kind as context) on enqueue and
 * opened just before its handler runs; engines, dedupe keys, stats and scrubbing are unchanged.
 *
 * A payload that is not sealed is handed over as it is: jobs queued before this (an upgrade with mail
 * still waiting) still run; writing to the jobs table is no smaller power than sending mail. One that
 * is sealed but does not open (another key, altered, moved to another kind) is a PermanentJobError:
 * dead at once, never retried. Enqueue throws JobInputError for a payload that is not JSON.
 */
export function sealJobs(system: JobSystem, key: Buffer): JobSystem {
  const { queue, worker } = system;
  return {
    engine: system.engine,
    cancelByDedupeKey: (dedupeKey, trx) => system.cancelByDedupeKey(dedupeKey, trx),
    stats: (kind) => system.stats(kind),
    queue: {
      enqueue(kind, payload, opts, trx) {
        let json: string | undefined;
        try {
          json = JSON.stringify(payload ?? null);
        } catch {
          json = undefined;
        }
        // The payload itself is never echoed: it may hold personal data.
        if (json === undefined) throw new JobInputError(`job "${kind}": payload is not JSON-serialisable`);
        const sealed: SealedPayload = { sealed: sealText(key, json, contextFor(kind)) };
        return queue.enqueue(kind, sealed, opts, trx);
      },
    },
    worker: {
      register(kind, handler: JobHandler) {
        worker.register(kind, async (payload, ctx) => handler(openJobPayload(key, kind, payload), ctx));
      },
      start: () => worker.start(),
      stop: (options) => worker.stop(options),
      wake: () => worker.wake(),
      runDue: () => worker.runDue(),
    },
  };
}
