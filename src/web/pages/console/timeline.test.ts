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
    expect(out).toContain('at: 2026-01-06 09:00:00 JST');
    expect(out).toContain('expiresAt: 2026-01-06 09:10:00 JST');
    expect(out).toContain('slot: morning');
    expect(out).not.toContain('figures');
    expect(out.replace(/<[^>]*>/g, '')).not.toMatch(/\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/);
  });
});
