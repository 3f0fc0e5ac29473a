import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../store/schema';
import { softphoneLinkFor } from './softphone-links';

describe("softphoneLinkFor (the recovery notifier's linkFor)", () => {
  it('issues a link in the given transaction and returns its absolute /call/ URL under the public URL', async () => {
    const trx = {} as Kysely<Database>;
    const issued: unknown[] = [];
    const linkFor = softphoneLinkFor(
      {
        issue: async (...args) => {
          issued.push(args);
          return 'tok-en_1';
        },
      },
      'https://example.test/base/',
    );
    const expiresAt = new Date('2026-12-01T00:00:00Z');
    expect(await linkFor(trx, 'case-1', expiresAt)).toBe('https://example.test/call/tok-en_1');
    expect(issued).toEqual([[trx, 'case-1', expiresAt]]);
  });
});
