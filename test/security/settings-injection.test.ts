import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleOperator, addOperator } from '../e2e/support/console-people';
import { manualClock } from '../e2e/support/clocks';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * Issue 10 (admin settings: closed dates and hours that break scheduling). The form refused a week
 * with no hours at all, but not hours that the closed dates then cover: open one weekday and close
 * that weekday for the next 58 weeks (58 dates, under the form's 100) and the calendar has no
 * opening within its 400-day search, so nextOpen throws for every recovery request and every
 * callback, in every process, until an admin notices. Kind: a field checked alone when the rule
 * holds for the fields together. The form now asks the calendar the settings would build for its
 * next opening from now, and refuses the save when there is none.
 */
// Monday 2035-12-03 10:00 JST: Monday 09:00-09:15 has already closed today.
const MON_1000_JST = new Date('2035-12-03T01:00:00Z');

/** The next `n` Mondays after today (business zone) as YYYY-MM-DD. */
function nextMondays(n: number): string[] {
  const first = DateTime.fromJSDate(MON_1000_JST, { zone: 'Asia/Tokyo' }).startOf('day');
  return Array.from({ length: n }, (_, i) => first.plus({ weeks: i + 1 }).toISODate()!);
}

const FORM = {
  mon: '09:00-09:15',
  tue: '',
  wed: '',
  thu: '',
  fri: '',
  sat: '',
  sun: '',
  japaneseHolidays: '',
  policy: 'standard',
};

describe('settings that close every opening within the calendar’s horizon', () => {
  const clock = manualClock(MON_1000_JST);
  let t: TestServer;
  let admin: ConsoleOperator;

  beforeAll(async () => {
    t = await startTestServer({ clock, env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' } });
    admin = await addOperator(t, { email: 'injector-admin@example.com', name: 'Admin', role: 'admin' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('are refused with the reason beside the field, and recovery requests keep being scheduled', async () => {
    const b = new InjectBrowser(t.server.app, '192.0.2.31');
    expect((await b.signInWithTotp(admin.email, admin.password, admin.uri, clock.now())).statusCode).toBe(303);
    const version = t.services.settings.current().version;

    const closedEveryMonday = await b.submit('/console/settings?lang=en', '/console/settings?lang=en', {
      ...FORM,
      closedDates: nextMondays(58).join('\n'),
    });
    expect(closedEveryMonday.statusCode).toBe(400);
    expect(closedEveryMonday.body).toContain('no opening within');
    expect(t.services.settings.current().version).toBe(version);

    const ja = await b.submit('/console/settings?lang=ja', '/console/settings?lang=ja', {
      ...FORM,
      closedDates: nextMondays(58).join('\n'),
    });
    expect(ja.statusCode).toBe(400);
    expect(ja.body).toContain('営業できる日時がありません');

    // Open next Monday, then closed for 58 Mondays from the fifth on: scheduling would break in a month.
    const later = await b.submit('/console/settings?lang=en', '/console/settings?lang=en', {
      ...FORM,
      closedDates: nextMondays(62).slice(4).join('\n'),
    });
    expect(later.statusCode).toBe(400);
    expect(t.services.settings.current().version).toBe(version);

    // The calendar in force still opens, so a customer's request is scheduled as ever.
    const request = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      remoteAddress: '198.51.100.77',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'nobody@example.com', phone: '090-1234-5699', lang: 'en', consent: true }),
    });
    expect(request.statusCode).toBe(202);

    // The same hours with a few Mondays closed are a calendar that opens: saved.
    const someClosed = await b.submit('/console/settings?lang=en', '/console/settings?lang=en', {
      ...FORM,
      closedDates: nextMondays(3).join('\n'),
    });
    expect(someClosed.statusCode).toBe(303);
    expect(t.services.settings.current().version).toBe(version + 1);
    expect(t.services.settings.calendar.nextOpen(clock.now()).toISOString()).toBe('2035-12-31T00:00:00.000Z');
  });
});
