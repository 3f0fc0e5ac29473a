import { describe, expect, it } from 'vitest';
import type { CallRow } from '../../../calls/call-records';
import { callsSection } from './call-section';

const call = (over: Partial<CallRow>): CallRow => ({
  id: 'call-1',
  case_id: 'case-1',
  channel: 'softphone',
  state: 'pending',
  token_hash: null,
  token_expires_at: null,
  started_at: null,
  ended_at: null,
  outcome: null,
  recording_path: null,
  recording_deleted_at: null,
  proves_phone_possession: 0,
  created_at: '2026-12-01T16:30:00.000Z',
  ...over,
});

const text = (c: CallRow, lang: 'ja' | 'en') =>
  callsSection([{ call: c, transcript: [], figures: null, peaks: null }], lang, 'Asia/Tokyo').value.replace(/<[^>]*>/g, ' ');

describe('case page calls section', () => {
  it('names a call without an outcome by its state in the reader language, not the stored code (fresh-user walk)', () => {
    const pending = call({});
    expect(text(pending, 'ja')).toContain('ブラウザー電話の通話 · 応答待ち');
    expect(text(pending, 'en')).toContain('Softphone call · waiting to be answered');
    expect(text(call({ state: 'active', started_at: '2026-12-01T16:31:00.000Z' }), 'ja')).toContain('ブラウザー電話の通話 · 通話中');
    for (const lang of ['ja', 'en'] as const) expect(text(pending, lang)).not.toMatch(/\bpending\b/);
  });

  it('says figures come after the call ends while it has not, and that none were kept only for an ended call', () => {
    expect(text(call({}), 'en')).toContain('Figures for this call show once it has ended.');
    expect(text(call({}), 'en')).not.toContain('it ended before');
    expect(text(call({}), 'ja')).toContain('通話の数値は通話の終了後に表示されます。');
    const ended = call({
      state: 'ended',
      started_at: '2026-12-01T16:31:00.000Z',
      ended_at: '2026-12-01T16:33:00.000Z',
      outcome: 'mfa_reset',
    });
    expect(text(ended, 'en')).toContain('No figures were kept for this call');
  });
});
