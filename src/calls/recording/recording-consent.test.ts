import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../../audit/audit-log';
import { type TestStore, openSqliteTestStore } from '../../identity/test-stores';
import { writeTransaction } from '../../store/write-transaction';
import { recordingConsentOnCall } from './recording-consent';

let t: TestStore;

beforeEach(async () => {
  t = await openSqliteTestStore();
});

afterEach(async () => {
  await t.dispose();
});

async function record(caseId: string, kind: string, data: Record<string, unknown>) {
  await writeTransaction(t.store, (trx) => appendAuditEvent(trx, t.store.dialect, { caseId, accountId: null, kind, data, at: new Date() }));
}

describe('recording consent read from the case history', () => {
  it("answers with this call's latest answer, ignoring other calls, other cases and other kinds", async () => {
    expect(await recordingConsentOnCall(t.store, 'case-1', 'call-1')).toBe('unknown');
    await record('case-1', 'agent_recording_consent', { callId: 'call-1', granted: true });
    await record('case-1', 'agent_recording_consent', { callId: 'call-0', granted: false });
    await record('case-2', 'agent_recording_consent', { callId: 'call-1', granted: false });
    await record('case-1', 'call_link_issued', { callId: 'call-1', granted: false });
    expect(await recordingConsentOnCall(t.store, 'case-1', 'call-1')).toBe('granted');
    await record('case-1', 'agent_recording_consent', { callId: 'call-1', granted: false });
    expect(await recordingConsentOnCall(t.store, 'case-1', 'call-1')).toBe('declined');
    expect(await recordingConsentOnCall(t.store, 'case-1', 'call-2')).toBe('unknown');
  });
});
