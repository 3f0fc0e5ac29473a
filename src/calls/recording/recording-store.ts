import type { Store } from '../../store/connect';

/** The recording columns of the calls table (the rest of the row belongs to the call session). */
export function createRecordingStore(store: Store) {
  return {
    /** A kept recording of a call (consent given). */
    async markKept(callId: string, path: string): Promise<void> {
      await store.db.updateTable('calls').set({ recording_path: path, recording_deleted_at: null }).where('id', '=', callId).execute();
    },

    /** The file to stream for a call, or null when there is none (never kept, or deleted). */
    async pathFor(callId: string): Promise<string | null> {
      return (await this.recordingFor(callId))?.path ?? null;
    },

    /** The kept recording of a call with the case it belongs to (for the audit of a listen); null as pathFor. */
    async recordingFor(callId: string): Promise<{ path: string; caseId: string } | null> {
      const row = await store.db
        .selectFrom('calls')
        .select(['recording_path', 'recording_deleted_at', 'case_id'])
        .where('id', '=', callId)
        .executeTakeFirst();
      if (!row?.recording_path || row.recording_deleted_at) return null;
      return { path: row.recording_path, caseId: row.case_id };
    },
  };
}

export type RecordingStore = ReturnType<typeof createRecordingStore>;
