import crypto from 'node:crypto';

/**
 * The hash chain behind every case's history. Each event's hash covers its own fields and the
 * previous event's hash, so changing, inserting or deleting any event breaks every hash after it.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEvent {
  seq: number;
  caseId: string;
  accountId: string | null;
  kind: string;
  data: string;
  at: string;
  prevHash: string;
  hash: string;
}

export function hashEvent(e: Omit<ChainedEvent, 'hash'>): string {
  // A fixed field order (an array, not an object) makes the encoding canonical.
  const canonical = JSON.stringify([e.seq, e.caseId, e.accountId, e.kind, e.data, e.at, e.prevHash]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

export type ChainBreak =
  | { seq: number; problem: 'hash_mismatch' }
  | { seq: number; problem: 'broken_link'; expectedPrevHash: string }
  | { seq: number; problem: 'sequence_gap'; expectedSeq: number };

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  firstBreak?: ChainBreak;
  headHash: string;
}

/** Checks events one at a time, in sequence order, so a long chain can be streamed in pages. */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private expectedSeq = 1;
  private checked = 0;
  private broken: ChainBreak | undefined;

  /** Returns the break this event reveals, if any; after a break, further events are ignored. */
  add(e: ChainedEvent): ChainBreak | undefined {
    if (this.broken) return this.broken;
    if (e.seq !== this.expectedSeq) this.broken = { seq: e.seq, problem: 'sequence_gap', expectedSeq: this.expectedSeq };
    else if (e.prevHash !== this.prevHash) this.broken = { seq: e.seq, problem: 'broken_link', expectedPrevHash: this.prevHash };
    else if (hashEvent(e) !== e.hash) this.broken = { seq: e.seq, problem: 'hash_mismatch' };
    if (this.broken) return this.broken;
    this.prevHash = e.hash;
    this.expectedSeq++;
    this.checked++;
    return undefined;
  }

  verdict(): ChainVerdict {
    return { ok: !this.broken, checked: this.checked, headHash: this.prevHash, ...(this.broken ? { firstBreak: this.broken } : {}) };
  }
}

/** Walks events in sequence order; reports the first place the chain was altered. */
export function verifyChain(events: Iterable<ChainedEvent>): ChainVerdict {
  const verifier = new ChainVerifier();
  for (const e of events) if (verifier.add(e)) break;
  return verifier.verdict();
}
