import { caseHistory } from '../../audit/audit-log';
import type { Store } from '../../store/connect';

/** The case-history kind the call's host port writes for the agent's consent question. */
const CONSENT_EVENT = 'agent_recording_consent';

/**
 * The caller's answer to the recording question on this call, read from the case history (the
 * hash-chained truth the host port writes), or 'unknown' when it was not asked yet.
 */
export async function recordingConsentOnCall(store: Store, caseId: string, callId: string): Promise<'granted' | 'declined' | 'unknown'> {
  // The history belongs to the audit log: read it through its reader, newest answer first.
  const rows = (await caseHistory(store, caseId)).filter((event) => event.kind === CONSENT_EVENT).reverse();
  for (const row of rows) {
    let data: unknown;
    try {
      data = JSON.parse(row.data);
    } catch {
      continue;
    }
    if (typeof data !== 'object' || data === null) continue;
    const { callId: eventCall, granted } = data as Record<string, unknown>;
    if (eventCall === callId && typeof granted === 'boolean') return granted ? 'granted' : 'declined';
  }
  return 'unknown';
}
