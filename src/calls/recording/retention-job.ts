import { rm } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Clock } from '../../domain/clock';
import type { JobHandler, JobQueue } from '../../jobs/queue';
import type { Store } from '../../store/connect';
import { recordingsDir } from './call-recorder';

export const RECORDING_RETENTION_JOB = 'recording.retention';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RecordingRetentionDeps {
  store: Store;
  queue: JobQueue;
  clock: Clock;
  dataDir: string;
  /** Config `recordingRetentionDays` (AIZUCHI_RECORDING_RETENTION_DAYS), default 30. */
  retentionDays: number;
  /** How often the sweep runs again. Default one day. */
  intervalMs?: number;
}

/** Queues the next sweep; the dedupe key makes a second scheduler (another process, a restart) a no-op. */
export async function scheduleRecordingRetention(
  deps: Pick<RecordingRetentionDeps, 'queue' | 'clock' | 'intervalMs'>,
  at?: Date,
): Promise<string> {
  const intervalMs = deps.intervalMs ?? DAY_MS;
  const runAt = at ?? deps.clock.now();
  const slot = Math.floor(runAt.getTime() / intervalMs);
  return deps.queue.enqueue(RECORDING_RETENTION_JOB, {}, { runAt, dedupeKey: `${RECORDING_RETENTION_JOB}:${slot}` });
}

/**
 * Deletes recordings older than the retention period (counted from the end of the call, or its
 * creation if it never ended) and marks `calls.recording_deleted_at`. File deletion comes first and
 * tolerates missing files, so a crash in between is repaired by the next run. Then it books the next run.
 */
export function createRecordingRetentionJobHandler(deps: RecordingRetentionDeps): JobHandler {
  const root = resolve(recordingsDir(deps.dataDir));
  return async (_payload, ctx) => {
    const now = deps.clock.now();
    const cutoff = new Date(now.getTime() - deps.retentionDays * DAY_MS).toISOString();
    const expired = await deps.store.db
      .selectFrom('calls')
      .select(['id', 'recording_path'])
      .where('recording_path', 'is not', null)
      .where('recording_deleted_at', 'is', null)
      .where((eb) => eb.or([eb('ended_at', '<=', cutoff), eb.and([eb('ended_at', 'is', null), eb('created_at', '<=', cutoff)])]))
      .execute();
    const deleted: string[] = [];
    for (const row of expired) {
      if (ctx.signal.aborted) break;
      const path = resolve(row.recording_path ?? '');
      // Only ever delete inside our recordings folder, whatever the row says.
      if (path.startsWith(root + sep)) await rm(path, { force: true });
      deleted.push(row.id);
    }
    const nowIso = now.toISOString();
    await ctx.complete(async (trx) => {
      if (deleted.length > 0) {
        await trx
          .updateTable('calls')
          .set({ recording_deleted_at: nowIso })
          .where('id', 'in', deleted)
          .where('recording_deleted_at', 'is', null)
          .execute();
      }
      const intervalMs = deps.intervalMs ?? DAY_MS;
      const next = new Date(now.getTime() + intervalMs);
      await deps.queue.enqueue(
        RECORDING_RETENTION_JOB,
        {},
        { runAt: next, dedupeKey: `${RECORDING_RETENTION_JOB}:${Math.floor(next.getTime() / intervalMs)}` },
        trx,
      );
    });
  };
}
