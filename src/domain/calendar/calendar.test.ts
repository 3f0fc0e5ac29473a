import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from './calendar';
import { CalendarConfigError, CalendarQueryError } from './errors';

const tokyo = createBusinessCalendar();
/** A Tokyo wall-clock time as an instant. */
const jst = (local: string) => new Date(DateTime.fromISO(local, { zone: 'Asia/Tokyo' }).toMillis());
const iso = (d: Date, zone = 'Asia/Tokyo') => DateTime.fromJSDate(d, { zone }).toISO();

describe('default calendar (Asia/Tokyo, mon-fri 09:00-18:00, Japanese holidays)', () => {
  it('is open on a weekday during hours and closed on weekends', () => {
    expect(tokyo.isOpen(jst('2026-11-30T10:00'))).toBe(true); // Monday
    expect(tokyo.isOpen(jst('2026-11-28T10:00'))).toBe(false); // Saturday
    expect(tokyo.isOpen(jst('2026-11-29T10:00'))).toBe(false); // Sunday
  });

  it('treats 18:00 as closed and the instant before it as open', () => {
    expect(tokyo.isOpen(jst('2026-12-01T17:59:59.999'))).toBe(true);
    expect(tokyo.isOpen(jst('2026-12-01T18:00'))).toBe(false);
    expect(iso(tokyo.nextOpen(jst('2026-12-01T18:00')))).toBe('2026-12-02T09:00:00.000+09:00');
  });

  it('opens at 09:00 exactly and not before', () => {
    expect(tokyo.isOpen(jst('2026-12-01T08:59:59.999'))).toBe(false);
    expect(tokyo.isOpen(jst('2026-12-01T09:00'))).toBe(true);
    expect(iso(tokyo.nextOpen(jst('2026-12-01T06:30')))).toBe('2026-12-01T09:00:00.000+09:00');
  });

  it('returns the instant itself when already open', () => {
    const t = jst('2026-12-01T13:14:15.678');
    expect(tokyo.nextOpen(t).getTime()).toBe(t.getTime());
  });

  it('moves Friday evening to Monday morning', () => {
    expect(iso(tokyo.nextOpen(jst('2026-11-27T18:30')))).toBe('2026-11-30T09:00:00.000+09:00');
  });

  it('moves Friday evening to Tuesday when Monday is a holiday', () => {
    // 2026-11-23 (Mon) is 勤労感謝の日.
    expect(tokyo.isOpen(jst('2026-11-23T10:00'))).toBe(false);
    expect(iso(tokyo.nextOpen(jst('2026-11-20T19:00')))).toBe('2026-11-24T09:00:00.000+09:00');
  });

  it('skips substitute holidays (振替休日): 2026-05-06', () => {
    expect(tokyo.isOpen(jst('2026-05-06T10:00'))).toBe(false);
  });

  it("skips citizens' holidays (国民の休日): 2026-09-22", () => {
    expect(tokyo.isOpen(jst('2026-09-22T10:00'))).toBe(false);
    // 2026-09-21 敬老の日, 22 国民の休日, 23 秋分の日 → next opening is Thursday the 24th.
    expect(iso(tokyo.nextOpen(jst('2026-09-18T18:00')))).toBe('2026-09-24T09:00:00.000+09:00');
  });

  it('skips the whole of Golden Week 2026', () => {
    // 4/29 Wed holiday; 4/30, 5/1 open; 5/2-5/6 weekend + holidays + substitute holiday.
    expect(tokyo.isOpen(jst('2026-04-29T10:00'))).toBe(false);
    expect(tokyo.isOpen(jst('2026-04-30T10:00'))).toBe(true);
    expect(iso(tokyo.nextOpen(jst('2026-05-01T18:00')))).toBe('2026-05-07T09:00:00.000+09:00');
  });

  it('can ignore Japanese holidays', () => {
    const cal = createBusinessCalendar({ japaneseHolidays: false });
    expect(cal.isOpen(jst('2026-05-06T10:00'))).toBe(true);
  });

  it('judges holidays by the business zone date, not the UTC date', () => {
    // 2026-11-23T00:30+09:00 is still 11-22 in UTC; at 09:30 JST it is the holiday's morning.
    const cal = createBusinessCalendar({ weeklyHours: 'mon-sun 00:00-24:00' });
    expect(cal.isOpen(jst('2026-11-23T00:30'))).toBe(false);
    expect(cal.isOpen(jst('2026-11-22T23:59'))).toBe(true);
  });

  it('nextOpenAfter keeps the lead time, then finds an opening', () => {
    expect(iso(tokyo.nextOpenAfter(jst('2026-12-01T10:00'), 30 * 60_000))).toBe('2026-12-01T10:30:00.000+09:00');
    expect(iso(tokyo.nextOpenAfter(jst('2026-12-01T17:45'), 30 * 60_000))).toBe('2026-12-02T09:00:00.000+09:00');
    expect(() => tokyo.nextOpenAfter(jst('2026-12-01T10:00'), -1)).toThrow(CalendarQueryError);
  });

  it('lists open windows, clipping the current one', () => {
    const windows = tokyo.openWindows(jst('2026-11-20T12:00'), 5).map((w) => [iso(w.start), iso(w.end)]);
    expect(windows).toEqual([
      ['2026-11-20T12:00:00.000+09:00', '2026-11-20T18:00:00.000+09:00'],
      // 21-22 weekend, 23 holiday
      ['2026-11-24T09:00:00.000+09:00', '2026-11-24T18:00:00.000+09:00'],
    ]);
  });
});

describe('closed dates', () => {
  const cal = createBusinessCalendar({ closedDates: ['2026-12-29', '2026-12-30', '2026-12-31'] });

  it('closes those dates in the business zone and skips them', () => {
    expect(cal.isOpen(jst('2026-12-29T10:00'))).toBe(false);
    expect(cal.isOpen(jst('2026-12-28T10:00'))).toBe(true);
    // 1/1 (Fri) 元日 is a holiday, 1/2-1/3 weekend → Monday 1/4.
    expect(iso(cal.nextOpen(jst('2026-12-28T18:00')))).toBe('2027-01-04T09:00:00.000+09:00');
  });

  it('has no year-end closure unless configured', () => {
    expect(tokyo.isOpen(jst('2026-12-30T10:00'))).toBe(true);
  });

  it.each(['2026-13-01', '2026-02-30', '26-01-01', 'tomorrow', ''])('rejects %j', (bad) => {
    expect(() => createBusinessCalendar({ closedDates: [bad] })).toThrow(CalendarConfigError);
  });
});

describe('weekly hours with a lunch break and Saturday', () => {
  const cal = createBusinessCalendar({ weeklyHours: 'mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00' });

  it('is closed at lunch and reopens at 13:00', () => {
    expect(cal.isOpen(jst('2026-12-01T12:30'))).toBe(false);
    expect(iso(cal.nextOpen(jst('2026-12-01T12:00')))).toBe('2026-12-01T13:00:00.000+09:00');
  });

  it('opens on Saturday morning', () => {
    expect(iso(cal.nextOpen(jst('2026-12-04T18:00')))).toBe('2026-12-05T10:00:00.000+09:00');
    expect(cal.isOpen(jst('2026-12-05T14:00'))).toBe(false);
  });
});

describe('zones with daylight saving time (hours are wall-clock)', () => {
  const ny = createBusinessCalendar({ timeZone: 'America/New_York', japaneseHolidays: false });
  const london = createBusinessCalendar({ timeZone: 'Europe/London', japaneseHolidays: false });

  it('New York: 09:00 local is 14:00Z before the March change and 13:00Z after', () => {
    // DST starts Sunday 2026-03-08.
    expect(ny.nextOpen(new Date('2026-03-06T23:30:00Z')).toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(ny.nextOpen(new Date('2026-03-05T23:30:00Z')).toISOString()).toBe('2026-03-06T14:00:00.000Z');
  });

  it('New York: 09:00 local is 13:00Z before the November change and 14:00Z after', () => {
    // DST ends Sunday 2026-11-01.
    expect(ny.nextOpen(new Date('2026-10-30T23:30:00Z')).toISOString()).toBe('2026-11-02T14:00:00.000Z');
    expect(ny.isOpen(new Date('2026-11-02T13:30:00Z'))).toBe(false); // 08:30 EST
    expect(ny.isOpen(new Date('2026-10-30T13:30:00Z'))).toBe(true); // 09:30 EDT
  });

  it('London: closing time follows BST', () => {
    // BST starts 2026-03-29: 18:00 local is 18:00Z before and 17:00Z after.
    expect(london.isOpen(new Date('2026-03-27T17:30:00Z'))).toBe(true);
    expect(london.isOpen(new Date('2026-03-30T17:30:00Z'))).toBe(false);
    expect(london.nextOpen(new Date('2026-03-30T17:00:00Z')).toISOString()).toBe('2026-03-31T08:00:00.000Z');
  });

  it('handles hours inside the spring-forward gap', () => {
    // 02:00-03:00 does not exist on 2026-03-08 in New York; the window starts when 03:00 EDT begins.
    const night = createBusinessCalendar({ timeZone: 'America/New_York', weeklyHours: 'sun 02:30-04:00', japaneseHolidays: false });
    const start = night.nextOpen(new Date('2026-03-08T05:00:00Z'));
    expect(night.isOpen(start)).toBe(true);
    expect(start.getTime()).toBeLessThanOrEqual(new Date('2026-03-08T08:00:00Z').getTime()); // ≤ 04:00 EDT
  });
});

describe('bad configuration and input', () => {
  it('rejects an unknown time zone with a clear message', () => {
    expect(() => createBusinessCalendar({ timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it.each([
    ['', /empty/],
    ['mon-fri', /each group/],
    ['mon-fry 09:00-18:00', /unknown day "fry"/],
    ['mon-fri 9-18', /bad time "9"/],
    ['mon-fri 09:00', /bad time range/],
    ['mon-fri 18:00-09:00', /must end after/],
    ['mon-fri 09:00-25:00', /bad time "25:00"/],
    ['mon-fri 09:00-12:00,11:00-18:00', /overlapping/],
  ])('rejects hours spec %j', (spec, message) => {
    expect(() => createBusinessCalendar({ weeklyHours: spec })).toThrow(message);
  });

  it('rejects invalid instants', () => {
    expect(() => tokyo.nextOpen(new Date('nope'))).toThrow(CalendarQueryError);
    expect(() => tokyo.isOpen(new Date(NaN))).toThrow(CalendarQueryError);
  });

  it('reports a calendar that never opens instead of looping', () => {
    // Open on Sundays only, and every Sunday for two years is a closed date.
    const sundays: string[] = [];
    for (let d = DateTime.fromISO('2026-12-06'); d.year < 2029; d = d.plus({ weeks: 1 })) sundays.push(d.toISODate() ?? '');
    const cal = createBusinessCalendar({ weeklyHours: 'sun 09:00-10:00', closedDates: sundays });
    expect(cal.openWindows(jst('2026-12-01T00:00'), 14)).toEqual([]);
    expect(() => cal.nextOpen(jst('2026-12-01T00:00'))).toThrow(/no open hours within 400 days/);
  });
});

describe('nextOpen properties', () => {
  const zones = ['Asia/Tokyo', 'America/New_York', 'Europe/London'] as const;
  const minuteMs = 60_000;

  it('nextOpen(x) is open, not before x, and nothing between them is open', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        // 2025-01-01 … 2027-12-31, millisecond precision
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }),
        (zone, ms) => {
          const cal = createBusinessCalendar({ timeZone: zone });
          const x = new Date(ms);
          const next = cal.nextOpen(x);
          expect(next.getTime()).toBeGreaterThanOrEqual(ms);
          expect(cal.isOpen(next)).toBe(true);
          // Windows start on whole wall-clock minutes, so checking each minute boundary in between
          // (plus x itself) would find any earlier opening.
          if (next.getTime() > ms) expect(cal.isOpen(x)).toBe(false);
          for (let t = Math.ceil(ms / minuteMs) * minuteMs; t < next.getTime(); t += minuteMs) {
            if (cal.isOpen(new Date(t))) throw new Error(`open at ${new Date(t).toISOString()} before ${next.toISOString()}`);
          }
        },
      ),
      { seed: 20260506, numRuns: 200 },
    );
  });
});
