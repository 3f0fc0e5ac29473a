import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { dbSpentTokens, pruneSpentHandoffsJob } from '../handoff/spent-tokens';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../test-stores';
import { dbSsoSessions } from './sso-sessions';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const TARGETS = [
  { name: 'SQLite', enabled: true, open: openSqliteTestStore },
  { name: 'PostgreSQL', enabled: Boolean(postgresUrl), open: () => openPostgresTestStore(postgresUrl!) },
];

/** Migration 007's two tables on both databases: spent hand-off ids and operator SSO sessions. */
for (const target of TARGETS) {
  describe.runIf(target.enabled)(`issue 12 stores on ${target.name}`, () => {
    let ts: TestStore | null = null;
    let now = new Date('2035-12-03T01:00:00Z');
    const clock = { now: () => now };
    afterEach(async () => {
      await ts?.dispose();
      ts = null;
    });

    it('an SSO session reads back with its role until it expires or ends, and the hourly job prunes it', async () => {
      ts = await target.open();
      const sessions = dbSsoSessions(ts.store.db, crypto.randomBytes(32), clock);
      const who = { issuer: 'https://sso.example.com', subject: 'u-1', email: 'op@example.com', name: 'Op', role: 'operator' as const };
      const a = await sessions.create(who, 3_600_000);
      const b = await sessions.create({ ...who, role: 'viewer' }, 3_600_000);
      expect(await sessions.read(a.token)).toMatchObject({ subject: 'u-1', role: 'operator' });
      expect(await sessions.read('not-a-token-at-all-xxxxxxxx')).toBeNull();
      await sessions.end(b.token);
      expect(await sessions.read(b.token)).toBeNull();
      // Only the HMAC of the token is stored.
      const rows = await ts.store.db.selectFrom('operator_sso_sessions').select('token_hash').execute();
      expect(rows.map((r) => r.token_hash)).not.toContain(a.token);

      now = new Date(now.getTime() + 3_600_000);
      expect(await sessions.read(a.token)).toBeNull();
      const spent = dbSpentTokens(ts.store.db, clock);
      expect(await spent.spend('iss', 'jti-1', new Date(now.getTime() - 1))).toBe(true);
      expect(await spent.spend('iss', 'jti-1', new Date(now.getTime() - 1))).toBe(false);
      await pruneSpentHandoffsJob(spent, [sessions]).run();
      expect(await ts.store.db.selectFrom('operator_sso_sessions').selectAll().execute()).toEqual([]);
      expect(await ts.store.db.selectFrom('handoff_spent_jti').selectAll().execute()).toEqual([]);
      now = new Date('2035-12-03T01:00:00Z');
    });
  });
}
