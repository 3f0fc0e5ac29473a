import { describe, expect, it } from 'vitest';
import { timelineSection } from './timeline';

const event = (kind: string, data: Record<string, unknown>) => ({
  seq: 1,
  caseId: 'case-1',
  accountId: null,
  kind,
  data: JSON.stringify(data),
  at: '2026-01-06T01:00:00.000Z',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
});

describe('case timeline details', () => {
  it('shows instants in the event data in the business zone with the zone named, and leaves call figures to the calls section', () => {
    const out = timelineSection(
      [
        event('callback_scheduled', { at: '2026-01-06T00:00:00.000Z', expiresAt: '2026-01-06T00:10:00Z', slot: 'morning' }),
        event('call_ended', { callId: 'c1', figures: { recordingStartedAt: '2026-01-06T01:00:00.000Z' } }),
      ],
      'en',
      'Asia/Tokyo',
    ).value;
    expect(out).toContain('Time: 2026-01-06 09:00:00 JST');
    expect(out).toContain('Expires: 2026-01-06 09:10:00 JST');
    expect(out).toContain('slot: morning');
    expect(out).not.toContain('figures');
    expect(out.replace(/<[^>]*>/g, '')).not.toMatch(/\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/);
  });

  it('labels details in words in ja and en, yes/no for flags and lists joined; a key without words is shown as stored', () => {
    const history = [
      event('call_started', { attempt: 2, provesPhonePossession: false, riskFlags: ['recent_request', 'new_device'], brandNew: 'x' }),
    ];
    const facts = (lang: 'ja' | 'en') => /data-testid="event-facts">([^<]*)</.exec(timelineSection(history, lang, 'Asia/Tokyo').value)?.[1];
    expect(facts('en')).toBe('Attempt: 2 · Called the number on record: no · Risks: recent_request, new_device · brandNew: x');
    expect(facts('ja')).toBe('発信回数: 2 · 登録番号への発信: いいえ · リスク: recent_request, new_device · brandNew: x');
  });
});
