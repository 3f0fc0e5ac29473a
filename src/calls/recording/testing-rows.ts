import type { Store } from '../../store/connect';

/** Minimal case + call rows for recording tests (the recording columns are what matter here). */
export async function insertCallRow(
  store: Store,
  row: { callId: string; caseId: string; endedAt: string | null; createdAt: string; recordingPath: string | null },
): Promise<void> {
  const existing = await store.db.selectFrom('cases').select('id').where('id', '=', row.caseId).executeTakeFirst();
  if (!existing) {
    await store.db
      .insertInto('cases')
      .values({
        id: row.caseId,
        account_id: null,
        email: 'x@example.com',
        phone_e164: '+819012345678',
        phone_on_record: 1,
        lang: 'ja',
        state: 'closed',
        assurance: 'password_verified',
        consent_at: row.createdAt,
        consent_version: 'v1',
        recording_consent: 1,
        client_ip_hash: 'h',
        scheduled_at: null,
        call_attempts: 1,
        outcome: null,
        cancel_token_hash: null,
        created_at: row.createdAt,
        updated_at: row.createdAt,
      })
      .execute();
  }
  await store.db
    .insertInto('calls')
    .values({
      id: row.callId,
      case_id: row.caseId,
      channel: 'softphone',
      state: 'ended',
      token_hash: null,
      token_expires_at: null,
      started_at: row.createdAt,
      ended_at: row.endedAt,
      outcome: 'mfa_reset',
      recording_path: row.recordingPath,
      recording_deleted_at: null,
      proves_phone_possession: 0,
      created_at: row.createdAt,
    })
    .execute();
}
