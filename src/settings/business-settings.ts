import { DateTime } from 'luxon';
import { CalendarConfigError, CalendarQueryError, SEARCH_HORIZON_DAYS, createBusinessCalendar, parseWeeklyHours } from '../domain/calendar';
import { POLICY_NAMES, type PolicyName } from '../domain/policy';

/**
 * What an admin may change at run time (issue 10): the weekly hours, the closed dates, whether
 * Japanese public holidays close the business, and the recovery policy preset. The time zone stays
 * AIZUCHI_TIMEZONE: every stored time and every page reads it.
 */
export interface BusinessSettings {
  /** A weekly-hours spec as AIZUCHI_BUSINESS_HOURS takes it (src/domain/calendar/weekly-hours.ts). */
  weeklyHours: string;
  /** YYYY-MM-DD dates (business zone) closed all day, sorted, no repeats. */
  closedDates: string[];
  japaneseHolidays: boolean;
  policy: PolicyName;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening and closing times are whole quarter hours: slots are offered on them and a form can show them. */
export const HOURS_STEP_MIN = 15;
/** More closed dates than this is a calendar that should be changed by its weekly hours instead. */
export const MAX_CLOSED_DATES = 100;

/** Strongest first: lowering the preset means moving right in this list (fewer proofs or no cooling-off). */
const POLICY_STRENGTH: readonly PolicyName[] = ['strict', 'standard', 'mailbox'];

/** True when `to` asks for less than `from` (the form asks the admin to confirm that). */
export function isWeakerPolicy(from: PolicyName, to: PolicyName): boolean {
  return POLICY_STRENGTH.indexOf(to) > POLICY_STRENGTH.indexOf(from);
}

/** The raw form: one text per weekday (`09:00-12:00, 13:00-18:00`, empty = closed), dates as typed. */
export interface SettingsForm {
  hours: Record<Weekday, string>;
  /** Dates separated by new lines, commas or spaces. */
  closedDates: string;
  japaneseHolidays: boolean;
  policy: string;
  /** The admin ticked "yes, lower the policy". */
  confirmLower: boolean;
}

/** Why a field was refused; the page words each code in ja and en. */
export type SettingsProblem =
  | { field: Weekday; code: 'bad_range'; text: string }
  | { field: Weekday; code: 'not_step'; text: string }
  | { field: Weekday; code: 'end_before_start'; text: string }
  | { field: Weekday; code: 'overlap' }
  | { field: 'hours'; code: 'never_open' }
  | { field: 'closedDates'; code: 'no_opening'; days: number }
  | { field: 'closedDates'; code: 'bad_date'; text: string }
  | { field: 'closedDates'; code: 'past_date'; text: string }
  | { field: 'closedDates'; code: 'too_many'; max: number }
  | { field: 'policy'; code: 'unknown_policy'; text: string }
  | { field: 'confirmLower'; code: 'confirm_lower'; from: PolicyName; to: PolicyName };

export type SettingsCheck = { ok: true; settings: BusinessSettings } | { ok: false; problems: SettingsProblem[] };

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (min: number) => `${pad(Math.floor(min / 60))}:${pad(min % 60)}`;

/** A weekly-hours spec → each weekday's ranges as the form shows them (`09:00-18:00`, '' = closed). */
export function hoursByWeekday(spec: string): Record<Weekday, string> {
  const weekly = parseWeeklyHours(spec);
  const out = {} as Record<Weekday, string>;
  WEEKDAYS.forEach((day, i) => {
    out[day] = (weekly[i + 1] ?? []).map((iv) => `${clock(iv.startMin)}-${clock(iv.endMin)}`).join(', ');
  });
  return out;
}

/** Parses `HH:MM`; 24:00 allowed as a closing time. NaN when malformed. */
function minutesOf(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return NaN;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return min > 59 || h > 24 || (h === 24 && min !== 0) ? NaN : h * 60 + min;
}

function checkDay(day: Weekday, text: string, problems: SettingsProblem[]): string | null {
  const ranges = text
    .split(/[,、，]/)
    .map((r) => r.trim().replace(/[〜~–—]/g, '-'))
    .filter(Boolean);
  const spans: Array<[number, number]> = [];
  for (const range of ranges) {
    const [a = '', b, extra] = range.split('-');
    const start = minutesOf(a);
    const end = b === undefined ? NaN : minutesOf(b);
    if (extra !== undefined || !Number.isFinite(start) || !Number.isFinite(end)) {
      problems.push({ field: day, code: 'bad_range', text: range });
      return null;
    }
    if (start % HOURS_STEP_MIN !== 0 || end % HOURS_STEP_MIN !== 0) {
      problems.push({ field: day, code: 'not_step', text: range });
      return null;
    }
    if (end <= start) {
      problems.push({ field: day, code: 'end_before_start', text: range });
      return null;
    }
    spans.push([start, end]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) {
      problems.push({ field: day, code: 'overlap' });
      return null;
    }
  }
  return spans.map(([s, e]) => `${clock(s)}-${clock(e)}`).join(',');
}

/**
 * The longest wait (days) the settings may leave before the next opening, from now or from any closed
 * date: the calendar searches SEARCH_HORIZON_DAYS ahead and throws beyond it, which would refuse
 * every recovery request and callback. Four weeks short of it, because a run of closed dates may
 * begin up to a couple of weeks after the last opening (a weekly slot, then holidays).
 */
export const MAX_DAYS_TO_NEXT_OPENING = SEARCH_HORIZON_DAYS - 28;

/**
 * True when the calendar these settings build opens within MAX_DAYS_TO_NEXT_OPENING days of `now`
 * and of the start (business zone) of every closed date: the hours each pass alone, but closed dates
 * can still cover every opening for longer than the calendar looks ahead (issue 10, attack: settings
 * that break scheduling).
 */
function opensThroughout(s: Omit<BusinessSettings, 'policy'>, timeZone: string, now: Date): boolean {
  const calendar = createBusinessCalendar({ timeZone, ...s });
  const maxMs = MAX_DAYS_TO_NEXT_OPENING * 86_400_000;
  const froms = [now, ...s.closedDates.map((d) => DateTime.fromISO(d, { zone: timeZone }).toJSDate())];
  for (const from of froms) {
    try {
      if (calendar.nextOpen(from).getTime() - from.getTime() > maxMs) return false;
    } catch (err) {
      if (err instanceof CalendarQueryError) return false;
      throw err;
    }
  }
  return true;
}

/**
 * Checks an admin's form against the rules above and the calendar's own parser, and gives the
 * settings to store. `today` is the business zone's date (YYYY-MM-DD): closed dates before it are
 * refused (they would change nothing); `current` is what is in force (lowering its policy needs
 * `confirmLower`); `timeZone` and `now` (the business zone, the clock's instant) let the hours and
 * closed dates be checked together: a calendar that would not open within MAX_DAYS_TO_NEXT_OPENING
 * days is refused (`no_opening`). Never throws for bad input: every problem is returned, each naming its field.
 */
export function checkSettingsForm(
  form: SettingsForm,
  ctx: { today: string; current: BusinessSettings; timeZone: string; now: Date },
): SettingsCheck {
  const problems: SettingsProblem[] = [];
  const groups: string[] = [];
  for (const day of WEEKDAYS) {
    const ranges = checkDay(day, form.hours[day] ?? '', problems);
    if (ranges) groups.push(`${day} ${ranges}`);
  }
  const dayProblems = problems.length > 0;
  if (!dayProblems && groups.length === 0) problems.push({ field: 'hours', code: 'never_open' });

  const dates = new Set<string>();
  for (const text of form.closedDates.split(/[\s,、，]+/).filter(Boolean)) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone: 'UTC' }) : null;
    if (!parsed?.isValid) problems.push({ field: 'closedDates', code: 'bad_date', text });
    else if (text < ctx.today) problems.push({ field: 'closedDates', code: 'past_date', text });
    else dates.add(text);
  }
  if (dates.size > MAX_CLOSED_DATES) problems.push({ field: 'closedDates', code: 'too_many', max: MAX_CLOSED_DATES });

  const policy = (POLICY_NAMES as readonly string[]).includes(form.policy) ? (form.policy as PolicyName) : null;
  if (!policy) problems.push({ field: 'policy', code: 'unknown_policy', text: form.policy });
  else if (isWeakerPolicy(ctx.current.policy, policy) && !form.confirmLower)
    problems.push({ field: 'confirmLower', code: 'confirm_lower', from: ctx.current.policy, to: policy });

  const weeklyHours = groups.join('; ');
  if (!dayProblems && groups.length > 0) {
    try {
      parseWeeklyHours(weeklyHours);
    } catch (err) {
      // The checks above mirror the parser's; this keeps a gap between them from storing a spec the calendar refuses.
      if (!(err instanceof CalendarConfigError)) throw err;
      problems.push({ field: 'hours', code: 'never_open' });
    }
  }
  const closedDates = [...dates].sort();
  if (
    problems.length === 0 &&
    !opensThroughout({ weeklyHours, closedDates, japaneseHolidays: form.japaneseHolidays }, ctx.timeZone, ctx.now)
  )
    problems.push({ field: 'closedDates', code: 'no_opening', days: MAX_DAYS_TO_NEXT_OPENING });
  if (problems.length > 0 || !policy) return { ok: false, problems };
  return { ok: true, settings: { weeklyHours, closedDates, japaneseHolidays: form.japaneseHolidays, policy } };
}

/** The fields that differ, as `{ from, to }` pairs (what the audit event records). Empty when nothing changed. */
export function settingsChanges(from: BusinessSettings, to: BusinessSettings): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(parseWeeklyHours(from.weeklyHours), parseWeeklyHours(to.weeklyHours)))
    out.weeklyHours = { from: from.weeklyHours, to: to.weeklyHours };
  if (!same([...from.closedDates].sort(), to.closedDates)) out.closedDates = { from: from.closedDates, to: to.closedDates };
  if (from.japaneseHolidays !== to.japaneseHolidays) out.japaneseHolidays = { from: from.japaneseHolidays, to: to.japaneseHolidays };
  if (from.policy !== to.policy) out.policy = { from: from.policy, to: to.policy };
  return out;
}
