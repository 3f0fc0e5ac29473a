import { describe, expect, it } from 'vitest';
import type { LiveCallView } from '../../../calls/live/live-calls';
import { liveCallsPage, zonedTime } from './live-page';

// Fresh-user walk: /console/live in English said "Started: 01:44:17 GMT+9" (Intl's en name for
// Asia/Tokyo) where every other console page says JST.
describe('live calls page times', () => {
  it('writes a start time in the business zone as HH:mm:ss with the zone the console uses, in ja and en', () => {
    expect(zonedTime('2026-12-01T16:44:17.000Z', 'Asia/Tokyo')).toBe('01:44:17 JST');
    expect(zonedTime('2026-07-01T12:00:05.000Z', 'America/New_York')).toBe('08:00:05 EDT');
    const call = {
      callId: 'call-1',
      caseId: 'f65f6d3b-0000-4000-8000-000000000000',
      customer: 'a***@example.com',
      lang: 'en',
      channel: 'softphone',
      step: 'greeting',
      startedAt: '2026-12-01T16:44:17.000Z',
      lines: [],
    } as unknown as LiveCallView;
    for (const lang of ['ja', 'en'] as const) {
      const out = liveCallsPage([call], { lang, timeZone: 'Asia/Tokyo', eventsPath: '/console/live/events' });
      expect(out).toContain('01:44:17 JST');
      expect(out).not.toContain('GMT+9');
      // The script formats calls that start after the page loaded with the same zone name.
      const cfg = JSON.parse(/<script type="application\/json" id="live-config">([^<]*)<\/script>/.exec(out)![1]!) as { zone: string };
      expect(cfg.zone).toBe('JST');
      expect(out).not.toContain("timeZoneName: 'short'");
    }
  });
});
