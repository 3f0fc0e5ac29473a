import { CalendarConfigError } from './errors';

/** Minutes since local midnight; `end` may be 1440 (24:00). Half-open: [startMin, endMin). */
export interface DailyInterval {
  startMin: number;
  endMin: number;
}

/** Index 1 = Monday … 7 = Sunday (ISO weekday, as Luxon reports it). Index 0 is unused. */
export type WeeklyHours = readonly (readonly DailyInterval[])[];

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function dayNumber(name: string, spec: string): number {
  const i = DAY_NAMES.indexOf(name.toLowerCase() as (typeof DAY_NAMES)[number]);
  if (i < 0) throw new CalendarConfigError(`business hours "${spec}": unknown day "${name}" (use mon tue wed thu fri sat sun)`);
  return i + 1;
}

/** "mon-fri", "sat", "mon,wed,fri", "mon-wed,fri" → ISO weekday numbers. Ranges may wrap (fri-mon). */
function parseDays(token: string, spec: string): number[] {
  const days = new Set<number>();
  for (const part of token.split(',')) {
    const [from, to, extra] = part.split('-');
    if (!from || extra !== undefined) throw new CalendarConfigError(`business hours "${spec}": bad day list "${token}"`);
    const a = dayNumber(from, spec);
    const b = to === undefined ? a : dayNumber(to, spec);
    for (let d = a; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days];
}

function parseClock(text: string, spec: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (!m || minute > 59 || hour > 24 || (hour === 24 && minute !== 0)) {
    throw new CalendarConfigError(`business hours "${spec}": bad time "${text}" (use HH:MM, 00:00 to 24:00)`);
  }
  return hour * 60 + minute;
}

function parseRanges(token: string, spec: string): DailyInterval[] {
  return token.split(',').map((range) => {
    const [a, b, extra] = range.split('-');
    if (!a || !b || extra !== undefined) {
      throw new CalendarConfigError(`business hours "${spec}": bad time range "${range}" (use HH:MM-HH:MM)`);
    }
    const startMin = parseClock(a, spec);
    const endMin = parseClock(b, spec);
    if (endMin <= startMin) {
      throw new CalendarConfigError(`business hours "${spec}": range "${range}" must end after it starts`);
    }
    return { startMin, endMin };
  });
}

/** Sorts, rejects overlaps and joins touching ranges (12:00-13:00 + 13:00-14:00 = 12:00-14:00). */
function normalise(intervals: DailyInterval[], spec: string): DailyInterval[] {
  const sorted = [...intervals].sort((x, y) => x.startMin - y.startMin);
  const out: DailyInterval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.startMin < last.endMin) {
      throw new CalendarConfigError(`business hours "${spec}": overlapping time ranges on the same day`);
    }
    if (last && iv.startMin === last.endMin) last.endMin = iv.endMin;
    else out.push({ ...iv });
  }
  return out;
}

/**
 * Parses a weekly-hours spec: `;`-separated groups of `<days> <ranges>`, for example
 * `mon-fri 09:00-18:00` or `mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00`.
 * Days not mentioned are closed. Hand-written because the format is ours and tiny.
 */
export function parseWeeklyHours(spec: string): WeeklyHours {
  const perDay: DailyInterval[][] = Array.from({ length: 8 }, () => []);
  const groups = spec
    .split(';')
    .map((g) => g.trim())
    .filter(Boolean);
  if (groups.length === 0) throw new CalendarConfigError('business hours are empty (e.g. "mon-fri 09:00-18:00")');
  for (const group of groups) {
    const parts = group.split(/\s+/);
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new CalendarConfigError(`business hours "${spec}": each group is "<days> <HH:MM-HH:MM[,…]>", got "${group}"`);
    }
    const days = parseDays(parts[0], spec);
    const ranges = parseRanges(parts[1], spec);
    for (const d of days) perDay[d]?.push(...ranges);
  }
  return perDay.map((ivs) => normalise(ivs, spec));
}
