import type { StoreTransaction } from '../../jobs/queue';
import type { Dialer } from '../dialer';

/** One dial as the fake saw it. */
export interface RecordedDial {
  readonly caseId: string;
  readonly attempt: number;
  /** The case's state as the dialling transaction saw it (`calling` when the caller got the order right). */
  readonly state: string | undefined;
}

/**
 * A Dialer for tests that rings nobody: it records each dial with the case state read inside the
 * dialling transaction, and fails with `failWith` when set (after recording, like a busy line). Memory
 * cannot roll back, so `rung(db)` counts a dial only while its case's move to `calling` is committed.
 */
export class RecordingDialer implements Dialer {
  readonly dials: RecordedDial[] = [];
  /** A test stand-in for a link dialer: proves no phone possession unless a test says so. */
  provesPhonePossession = false;
  failWith: Error | null = null;

  async dial(trx: StoreTransaction, caseId: string, attempt: number): Promise<void> {
    const row = await trx.selectFrom('cases').select('state').where('id', '=', caseId).executeTakeFirst();
    this.dials.push({ caseId, attempt, state: row?.state });
    if (this.failWith) throw this.failWith;
  }

  /** The dials of one case. */
  of(caseId: string): RecordedDial[] {
    return this.dials.filter((d) => d.caseId === caseId);
  }

  /** Whether the case was dialled for the attempt its committed row is calling on. */
  async rung(db: StoreTransaction, caseId: string): Promise<boolean> {
    const row = await db.selectFrom('cases').select(['state', 'call_attempts']).where('id', '=', caseId).executeTakeFirst();
    if (row?.state !== 'calling') return false;
    return this.of(caseId).some((d) => d.attempt === row.call_attempts && d.state === 'calling');
  }
}
