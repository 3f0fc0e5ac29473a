import { describe, expect, it } from 'vitest';
import { type ChainedEvent, GENESIS_HASH, hashEvent, verifyChain } from './chain';

function build(n: number): ChainedEvent[] {
  const out: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq,
      caseId: `c${seq % 3}`,
      accountId: null,
      kind: 'note',
      data: JSON.stringify({ seq }),
      at: `2026-11-25T00:00:0${seq % 10}.000Z`,
      prevHash: prev,
    };
    const e = { ...base, hash: hashEvent(base) };
    out.push(e);
    prev = e.hash;
  }
  return out;
}

describe('audit hash chain', () => {
  it('accepts an untouched chain', () => {
    const v = verifyChain(build(20));
    expect(v).toMatchObject({ ok: true, checked: 20 });
  });

  it('points at the event whose data was edited', () => {
    const events = build(10);
    events[4] = { ...events[4]!, data: '{"seq":999}' };
    expect(verifyChain(events).firstBreak).toEqual({ seq: 5, problem: 'hash_mismatch' });
  });

  it('detects an edited event even when its hash was recomputed', () => {
    const events = build(10);
    const forged = { ...events[2]!, kind: 'mfa_reset' };
    events[2] = { ...forged, hash: hashEvent(forged) };
    expect(verifyChain(events).firstBreak).toMatchObject({ seq: 4, problem: 'broken_link' });
  });

  it('detects a deleted event', () => {
    const events = build(10);
    events.splice(6, 1);
    expect(verifyChain(events).firstBreak).toEqual({ seq: 8, problem: 'sequence_gap', expectedSeq: 7 });
  });
});
