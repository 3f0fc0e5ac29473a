import { chmod, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../domain/clock';
import type { Store } from '../../store/connect';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../store/private-files';
import { recordingsDir } from './call-recorder';
import { repairWavHeader } from './stereo-wav-writer';

export interface RecoverRecordingsResult {
  repaired: number;
  /** Files of calls that crashed before the caller consented: not ours to keep. */
  removed: number;
}

/**
 * Run at start-up. Recordings cut short by a crash get a header that matches their audio; files
 * with no consented call behind them are deleted once they are old enough that no live call (in
 * this or another process sharing the folder) can still be writing them. The folder and the files
 * an older version left with the umask's mode (0755/0644) are tightened to 0700/0600.
 */
export async function recoverRecordings(deps: {
  store: Store;
  dataDir: string;
  clock: Clock;
  orphanAgeMs?: number;
}): Promise<RecoverRecordingsResult> {
  const dir = recordingsDir(deps.dataDir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.wav'));
    await chmod(dir, PRIVATE_DIR_MODE);
  } catch {
    return { repaired: 0, removed: 0 };
  }
  const orphanAgeMs = deps.orphanAgeMs ?? 6 * 60 * 60 * 1000;
  const result = { repaired: 0, removed: 0 };
  for (const name of names) {
    const path = join(dir, name);
    const callId = name.slice(0, -'.wav'.length);
    const row = await deps.store.db
      .selectFrom('calls')
      .select(['recording_path', 'recording_deleted_at'])
      .where('id', '=', callId)
      .executeTakeFirst();
    const kept = row?.recording_path === path && !row.recording_deleted_at;
    try {
      if (kept) {
        await chmod(path, PRIVATE_FILE_MODE);
        if (await repairWavHeader(path)) result.repaired++;
      } else if (deps.clock.now().getTime() - (await stat(path)).mtimeMs > orphanAgeMs) {
        await rm(path, { force: true });
        result.removed++;
      }
    } catch {
      // One unreadable file must not stop the server from starting; the next start tries again.
    }
  }
  return result;
}
