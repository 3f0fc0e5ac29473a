import fs from 'node:fs';
import fsp from 'node:fs/promises';

/**
 * Modes for everything aizuchi keeps about people: the database, recordings, keys and caches, and
 * the folders they live in. Set explicitly, never left to the umask, which on many systems makes
 * new files world-readable (issue 7, finding 9: the database and recordings were 0644/0755).
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents, all 0700) and sets `dir` itself to 0700 even when it
 * existed with a looser mode. Only for folders aizuchi owns: never a parent it was given.
 */
export function makePrivateDirSync(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** The async makePrivateDirSync. */
export async function makePrivateDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await fsp.chmod(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes sure `file` exists with mode 0600 (creating it empty if missing) and tightens it if it
 * existed looser. Used before a library (SQLite) creates the file with its own default mode.
 */
export function makePrivateFileSync(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  fs.chmodSync(file, PRIVATE_FILE_MODE);
}

/** Tightens `file` to 0600 when it exists; a missing file is fine. */
export function tightenIfPresentSync(file: string): void {
  try {
    fs.chmodSync(file, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
