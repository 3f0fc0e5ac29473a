import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasesTable } from '../../src/store/schema';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { REPO_ROOT, cliEnv, runCli } from '../e2e/support/run-cli';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * `aizuchi cases list` pages with --limit/--cursor, and its output survives a slow pipe reader
 * (issue 13: the process used to exit before piped output was flushed, cutting JSON at 64 KiB).
 */
const CASES = 700; // ~300 KB of pretty JSON in one 1000-row page

/** A reader that takes 4 KiB at a time and naps between reads, like a busy `| jq`. */
const SLOW_READER = `
const fs = require('node:fs');
const buf = Buffer.alloc(4096);
const parts = [];
for (;;) {
  let n;
  try { n = fs.readSync(0, buf, 0, buf.length, null); } catch (e) { if (e.code === 'EAGAIN') { n = -1; } else throw e; }
  if (n === 0) break;
  if (n > 0) parts.push(Buffer.from(buf.subarray(0, n)));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
}
process.stdout.write(Buffer.concat(parts));
`;

function caseRow(i: number): CasesTable {
  // Pairs of cases share a creation time, so paging must break ties by id.
  const at = new Date(Date.UTC(2035, 11, 1, 0, 0, Math.floor(i / 2))).toISOString();
  return {
    id: `case-${String(i).padStart(5, '0')}`,
    account_id: null,
    email: `pager-${i}@example.com`,
    phone_e164: '+819012345678',
    phone_on_record: 0,
    lang: i % 2 ? 'en' : 'ja',
    state: 'scheduled',
    assurance: 'low',
    consent_at: at,
    consent_version: 'callback-v1',
    recording_consent: 0,
    client_ip_hash: 'x',
    scheduled_at: at,
    call_attempts: 0,
    outcome: null,
    cancel_token_hash: null,
    created_at: at,
    updated_at: at,
  };
}

interface Page {
  items: Array<{ id: string }>;
  nextCursor: string | null;
}

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`aizuchi cases list paging (${db.name})`, () => {
    let t: TestServer;
    let env: Record<string, string>;

    beforeAll(async () => {
      t = await startTestServer({
        clock: manualClock(new Date('2035-12-02T01:00:00Z')),
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
      });
      env = { AIZUCHI_DATA_DIR: t.dataDir, AIZUCHI_DATABASE_URL: t.databaseUrl, AIZUCHI_LOG_LEVEL: 'warn' };
      const rows = Array.from({ length: CASES }, (_, i) => caseRow(i));
      for (let i = 0; i < rows.length; i += 100)
        await t.services.store.db
          .insertInto('cases')
          .values(rows.slice(i, i + 100))
          .execute();
    }, 120_000);
    afterAll(async () => {
      await t?.stop();
    });

    it('a 300 KB listing piped through a slow reader is whole, valid JSON', { timeout: 300_000 }, async () => {
      const pipeline = spawn('sh', ['-c', `node bin/aizuchi.mjs cases list --json --limit 1000 | node -e "$SLOW_READER"`], {
        cwd: REPO_ROOT,
        env: cliEnv({ ...env, SLOW_READER }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      let stderr = '';
      pipeline.stdout.on('data', (d: Buffer) => out.push(d));
      pipeline.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => pipeline.once('close', resolve));
      const text = Buffer.concat(out).toString('utf8');
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(text.length).toBeGreaterThan(200_000);
      const page = JSON.parse(text) as Page;
      expect(page.items).toHaveLength(CASES);
      expect(page.nextCursor).toBeNull();
    });

    it('--limit and --cursor walk every case once, newest first', { timeout: 300_000 }, async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const args: string[] = ['cases', 'list', '--json', '--limit', '300', ...(cursor ? ['--cursor', cursor] : [])];
        const res = await runCli(args, env);
        expect(res).toMatchObject({ code: 0, stderr: '' });
        const page = JSON.parse(res.stdout) as Page;
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      const expected = Array.from({ length: CASES }, (_, i) => caseRow(i).id).reverse();
      expect(seen).toEqual(expected);
    });

    it('the default page is 100; bad --limit and --cursor get one line and exit 2', { timeout: 300_000 }, async () => {
      const [first, tooMany, bogus] = await Promise.all([
        runCli(['cases', 'list', '--json'], env),
        runCli(['cases', 'list', '--json', '--limit', '1001'], env),
        runCli(['cases', 'list', '--json', '--cursor', 'not-a-cursor'], env),
      ]);
      const page = JSON.parse(first.stdout) as Page;
      expect(page.items).toHaveLength(100);
      expect(page.nextCursor).toEqual(expect.any(String));
      expect(tooMany).toMatchObject({ code: 2, stdout: '', stderr: 'aizuchi: --limit must be an integer from 1 to 1000\n' });
      expect(bogus).toMatchObject({ code: 2, stdout: '', stderr: 'aizuchi: --cursor is not one printed by `cases list` (nextCursor)\n' });
    });
  });
}
