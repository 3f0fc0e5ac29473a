import { afterEach, describe, expect, it } from 'vitest';
import { hostPortRig } from '../../src/calls/testing/host-port-rig';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../../src/identity/test-stores';
import { TEST_POSTGRES_URL } from '../e2e/support/databases';

/**
 * Kind: a fact of the case kept only in one call's memory (issue 11, restarts mid-call). The agent's
 * risk flags (a request to change contact details, a third party on the line, the caller denying the
 * request) were recorded as case events, but the reset decision read them from the running call's
 * memory only. Every flag ends the call with a hand-over, yet the hand-over is committed only when
 * the call ends: a process killed (or a drain that ran out) while the agent says its closing line
 * ends the call `abandoned`, the case is booked again, and the next call started clean. On that call
 * the caller keeps quiet about it and, with the proofs, is reset. SECURITY.md: under every preset no
 * risk flag may be raised. The decision now counts every flag recorded on the case.
 */
const stores: Array<[string, boolean, () => Promise<TestStore>]> = [
  ['SQLite', true, openSqliteTestStore],
  ['PostgreSQL', Boolean(TEST_POSTGRES_URL), () => openPostgresTestStore(TEST_POSTGRES_URL!)],
];

for (const [name, enabled, open] of stores) {
  describe.runIf(enabled)(`a risk flag raised on an earlier call of the case (${name})`, () => {
    let ts: TestStore | null = null;
    afterEach(async () => {
      await ts?.dispose();
      ts = null;
    });

    it.each(['contact_change_request', 'third_party', 'caller_denies_request'])(
      '%s on a call cut off before it ended: the next call with every proof still goes to a person',
      async (kind) => {
        const f = await hostPortRig((ts = await open()), { policy: 'standard' });
        const caseId = await f.openCase();
        // The first call raises the flag, then its process dies: nothing else of that call is written.
        const first = await f.portFor(caseId);
        await first.port.recordEvent('risk_flag', { kind });

        const second = await f.portFor(caseId);
        expect(await second.port.sendCode()).toBe('sent');
        expect(await second.port.checkCode('12675693')).toBe('ok');
        expect(await second.port.resetMfa()).toBe('needs_person');
        expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: true });
      },
    );
  });
}
