import { checkEnqueue } from '../enqueue-input';
import type { EnqueueOptions, JobQueue, StoreTransaction } from '../queue';

/** One job as the fake queued it. */
export interface RecordedJob {
  readonly id: string;
  readonly kind: string;
  /** The payload after a JSON round trip, as a handler would receive it. */
  readonly payload: unknown;
  readonly runAt: Date;
  readonly maxAttempts: number;
  readonly dedupeKey: string | null;
  /** The caller's transaction handle, when one was passed (the fake cannot roll back with it). */
  readonly trx: StoreTransaction | undefined;
}

/**
 * A JobQueue held in memory for unit tests: it applies the same argument rules and dedupe keys as
 * the embedded queue and records what was queued. It never runs jobs, and it cannot join a caller's
 * transaction (it only records the handle), so tests of "a job exists iff the change committed" use
 * the embedded queue on a real store.
 */
export class RecordingJobQueue implements JobQueue {
  readonly jobs: RecordedJob[] = [];
  private nextId = 1;

  constructor(private readonly clock: { now(): Date } = { now: () => new Date() }) {}

  async enqueue(kind: string, payload: unknown, opts: EnqueueOptions = {}, trx?: StoreTransaction): Promise<string> {
    const checked = checkEnqueue(kind, payload, opts, this.clock.now());
    const existing = checked.dedupeKey === null ? undefined : this.jobs.find((job) => job.dedupeKey === checked.dedupeKey);
    if (existing) return existing.id;
    const id = `job-${this.nextId++}`;
    this.jobs.push({
      id,
      kind,
      payload: JSON.parse(checked.payloadJson) as unknown,
      runAt: checked.runAt,
      maxAttempts: checked.maxAttempts,
      dedupeKey: checked.dedupeKey,
      trx,
    });
    return id;
  }

  /** The jobs of one kind, in the order they were queued. */
  ofKind(kind: string): RecordedJob[] {
    return this.jobs.filter((job) => job.kind === kind);
  }
}
