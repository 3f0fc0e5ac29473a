import crypto from 'node:crypto';
import path from 'node:path';
import { AizuchiError } from '../domain/errors';
import type { Store } from '../store/connect';
import { loadOrCreateMasterKey } from './keys';

/**
 * One master key per database (issue 11, many processes). A process started with another key would
 * compute other HMAC'd rate-limit buckets, token and phone hashes, and could not decrypt TOTP secrets,
 * all without an error. So the database keeps a check value of the key (`key_checks`, migration 024):
 * the first process writes it, every later one compares before building anything on the key.
 *
 * The check value is HMAC-SHA256(master key, "aizuchi key check v1"), never the key nor a plain hash
 * of it: under the key it is a PRF output, so a database reader learns nothing about the key or the
 * HKDF subkeys (src/security/keys.ts; HKDF's own HMACs use other inputs), and the fixed label keeps it
 * from equalling any hash of the key file computed elsewhere (a `sha256sum master.key` in a runbook or
 * a backup manifest would otherwise confirm a stolen copy). It still verifies a guess, as any check
 * value must: that is safe only because the key is 32 random bytes (loadOrCreateMasterKey).
 */
export const KEY_CHECK_SCHEME = 'hmac-sha256:aizuchi key check v1';

/** The record's `scheme` set by hand to say the key is being replaced on purpose: the next process records its key. */
export const KEY_REPLACE_MARK = 'replace';

/** Hex HMAC-SHA256 (64 characters) of the scheme's label under `master`. */
export function masterKeyCheckValue(master: Buffer): string {
  return crypto.createHmac('sha256', master).update('aizuchi key check v1').digest('hex');
}

/**
 * The process's master key is not the database's. Code `config` (the CLI prints it as a
 * configuration error, exit 2); the message names the variable and the remedy, never key material.
 */
export class MasterKeyMismatchError extends AizuchiError {
  constructor(dataDir: string) {
    super(
      'every process on one database needs the same master key, and this one differs from the key the database was ' +
        `first used with (AIZUCHI_DATA_DIR/keys/master.key: ${path.join(dataDir, 'keys', 'master.key')}). ` +
        'Set AIZUCHI_DATA_DIR to the data directory the other processes use (a shared volume), or copy their ' +
        'keys/master.key over this one, then start again. To change the key on purpose see README, "Changing the master key".',
      { code: 'config', retryable: false },
    );
  }
}

/**
 * Whether data the database already holds under a key (sealed TOTP secrets) opens with `master`:
 * true, false, or true when nothing sealed is there to try. Given by the identity area
 * (identity/mfa.ts keyOpensSealedSecrets), which owns the sealing.
 */
export type StoredDataWitness = (master: Buffer) => Promise<boolean>;

/**
 * Records `master`'s check value when the database has none (the first process; a concurrent first
 * start is settled by the primary key: one insert wins, the other process compares against it), else
 * compares. Resolves 'recorded' or 'matched'; rejects with MasterKeyMismatchError when it differs,
 * writing nothing. Runs after migrations (needs migration 024).
 *
 * Migration 024 has no backfill, so on a database that already held data the first record would
 * otherwise trust whichever process came first, a stray key included, and refuse the right ones
 * after it: before recording, `witness` must agree that the key opens what is already sealed.
 */
export async function checkMasterKey(
  store: Store,
  master: Buffer,
  dataDir: string,
  nowIso: string,
  witness?: StoredDataWitness,
): Promise<'recorded' | 'matched'> {
  const mine = masterKeyCheckValue(master);
  const read = () => store.db.selectFrom('key_checks').select(['check_value', 'scheme']).where('name', '=', 'master').executeTakeFirst();
  let row = await read();
  if (row?.scheme === KEY_REPLACE_MARK) {
    // The key changed on purpose (README "Changing the master key"): the first process records its own,
    // without the witness, since nothing sealed under the old key opens with the new one.
    const res = await store.db
      .updateTable('key_checks')
      .set({ check_value: mine, scheme: KEY_CHECK_SCHEME, created_at: nowIso })
      .where('name', '=', 'master')
      .where('scheme', '=', KEY_REPLACE_MARK)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) return 'recorded';
    row = await read();
  } else if (!row) {
    if (witness && !(await witness(master))) throw new MasterKeyMismatchError(dataDir);
    const inserted = await store.db
      .insertInto('key_checks')
      .values({ name: 'master', check_value: mine, scheme: KEY_CHECK_SCHEME, created_at: nowIso })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return 'recorded';
    row = await read();
  }
  // A plain comparison: the stored value is no secret from whoever can read the database, and only
  // a process starting up, never a request, reaches here.
  const same = row?.scheme === KEY_CHECK_SCHEME && row.check_value === mine;
  if (!same) throw new MasterKeyMismatchError(dataDir);
  return 'matched';
}

/**
 * The master key of `dataDir` (loadOrCreateMasterKey), checked against the database's record (and,
 * before a first record, against `witness`). On a MasterKeyFormatError (keys.ts) or a
 * MasterKeyMismatchError it closes `store` before rejecting, so a refused start leaves no connection
 * open (the caller, createServices, has nothing else open yet).
 */
export async function loadCheckedMasterKey(store: Store, dataDir: string, now: Date, witness?: StoredDataWitness): Promise<Buffer> {
  try {
    const master = loadOrCreateMasterKey(dataDir);
    await checkMasterKey(store, master, dataDir, now.toISOString(), witness);
    return master;
  } catch (err) {
    await store.close();
    throw err;
  }
}
