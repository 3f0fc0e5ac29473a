import { DateTime, IANAZone } from 'luxon';
import { CalendarConfigError, CalendarQueryError } from './errors';
import { isJapaneseHoliday } from './japanese-holidays';
import { parseWeeklyHours, type WeeklyHours } from './weekly-hours';

export interface BusinessCalendarOptions {
  /** IANA zone the hours and dates are in. */
  timeZone?: string;
  /** e.g. `mon-fri 09:00-18:00` or `mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00`. */
  weeklyHours?: string;
  /** `YYYY-MM-DD` dates (in `timeZone`) that are closed all day, e.g. year-end closures. */
  closedDates?: readonly string[];
  /** Close on Japanese public holidays, including substitute and citizens' holidays. */
  japaneseHolidays?: boolean;
}

export interface OpenWindow {
  start: Date;
  end: Date;
}

export interface BusinessCalendar {
  readonly timeZone: string;
  isOpen(instant: Date): boolean;
  /** The first open instant at or after `from` (`from` itself when open). */
  nextOpen(from: Date): Date;
  /** The first open instant at least `minLeadMs` after `from`. */
  nextOpenAfter(from: Date, minLeadMs: number): Date;
  /** Open windows from `from` (the current one clipped to start at `from`) over `days` calendar days. */
  openWindows(from: Date, days: number): OpenWindow[];
}

/** How far ahead nextOpen looks before deciding the configuration never opens. */
export const SEARCH_HORIZON_DAYS = 400;
const MINUTES_PER_DAY = 24 * 60;
const DAY_CACHE_SIZE = 32;

/** One local calendar day: [startMs, endMs) and its open windows as epoch-ms pairs. */
interface LocalDay {
  startMs: number;
  endMs: number;
  windows: ReadonlyArray<readonly [number, number]>;
}

function checkZone(timeZone: string): void {
  if (!IANAZone.isValidZone(timeZone)) {
    throw new CalendarConfigError(`unknown time zone "${timeZone}" (use an IANA name such as Asia/Tokyo)`);
  }
}

function checkClosedDate(date: string): string {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: 'UTC' }) : null;
  if (!parsed?.isValid) throw new CalendarConfigError(`closed date "${date}" is not a valid YYYY-MM-DD date`);
  return date;
}

function checkInstant(d: Date, what: string): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new CalendarQueryError(`${what} is not a valid date`);
  return ms;
}

export function createBusinessCalendar(options: BusinessCalendarOptions = {}): BusinessCalendar {
  const timeZone = options.timeZone ?? 'Asia/Tokyo';
  checkZone(timeZone);
  const weekly: WeeklyHours = parseWeeklyHours(options.weeklyHours ?? 'mon-fri 09:00-18:00');
  const closed = new Set((options.closedDates ?? []).map(checkClosedDate));
  const useHolidays = options.japaneseHolidays ?? true;

  const isClosedDate = (isoDate: string) => closed.has(isoDate) || (useHolidays && isJapaneseHoliday(isoDate));

  /** Wall-clock minutes on a local date → the instant (Luxon moves times inside a DST gap forward). */
  const instantAt = (day: DateTime, minuteOfDay: number): number =>
    minuteOfDay >= MINUTES_PER_DAY
      ? day.plus({ days: 1 }).startOf('day').toMillis()
      : day.set({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 0, millisecond: 0 }).toMillis();

  /** Open windows on one local calendar date, as epoch-ms pairs. */
  const windowsOn = (day: DateTime): Array<[number, number]> => {
    const isoDate = day.toISODate();
    if (!isoDate || isClosedDate(isoDate)) return [];
    const out: Array<[number, number]> = [];
    for (const iv of weekly[day.weekday] ?? []) {
      const start = instantAt(day, iv.startMin);
      const end = instantAt(day, iv.endMin);
      if (end > start) out.push([start, end]);
    }
    return out;
  };

  // Zone conversions in Luxon cost tens of microseconds each, so recently used local days are kept.
  // The cache only memoises a pure function of the instant; it does not change any answer.
  const recentDays: LocalDay[] = [];
  const dayAt = (ms: number): LocalDay => {
    const hit = recentDays.find((d) => d.startMs <= ms && ms < d.endMs);
    if (hit) return hit;
    const start = DateTime.fromMillis(ms, { zone: timeZone }).startOf('day');
    const day: LocalDay = {
      startMs: start.toMillis(),
      endMs: start.plus({ days: 1 }).startOf('day').toMillis(),
      windows: windowsOn(start),
    };
    recentDays.unshift(day);
    if (recentDays.length > DAY_CACHE_SIZE) recentDays.pop();
    return day;
  };

  /** The first window that ends after `ms`, searching local dates from the one containing `ms`. */
  const windowAtOrAfter = (ms: number, horizonDays: number): readonly [number, number] | null => {
    let day = dayAt(ms);
    for (let i = 0; i < horizonDays; i++, day = dayAt(day.endMs)) {
      for (const w of day.windows) if (w[1] > ms) return w;
    }
    return null;
  };

  const nextOpen = (from: Date): Date => {
    const ms = checkInstant(from, 'nextOpen: from');
    const w = windowAtOrAfter(ms, SEARCH_HORIZON_DAYS);
    if (!w) throw new CalendarQueryError(`the business calendar has no open hours within ${SEARCH_HORIZON_DAYS} days`);
    return new Date(Math.max(w[0], ms));
  };

  return {
    timeZone,
    isOpen(instant) {
      const ms = checkInstant(instant, 'isOpen: instant');
      // Windows never span local midnight, so today's windows decide.
      const w = windowAtOrAfter(ms, 1);
      return w !== null && w[0] <= ms;
    },
    nextOpen,
    nextOpenAfter(from, minLeadMs) {
      const ms = checkInstant(from, 'nextOpenAfter: from');
      if (!Number.isFinite(minLeadMs) || minLeadMs < 0) {
        throw new CalendarQueryError('nextOpenAfter: minLeadMs must be a non-negative number');
      }
      return nextOpen(new Date(ms + minLeadMs));
    },
    openWindows(from, days) {
      const ms = checkInstant(from, 'openWindows: from');
      if (!Number.isInteger(days) || days < 0) throw new CalendarQueryError('openWindows: days must be a whole number ≥ 0');
      const out: OpenWindow[] = [];
      let day = dayAt(ms);
      for (let i = 0; i < days; i++, day = dayAt(day.endMs)) {
        for (const [start, end] of day.windows) {
          if (end > ms) out.push({ start: new Date(Math.max(start, ms)), end: new Date(end) });
        }
      }
      return out;
    },
  };
}
