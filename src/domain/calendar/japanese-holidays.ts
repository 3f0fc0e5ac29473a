import holidayJp from '@holiday-jp/holiday_jp';

/**
 * Japanese public holidays from the maintained holiday_jp dataset, which lists substitute holidays
 * (振替休日) and citizens' holidays (国民の休日) as dates of their own. Looked up by the calendar date
 * string so the host's time zone never matters.
 */
const holidays: Readonly<Record<string, unknown>> = holidayJp.holidays;

export function isJapaneseHoliday(isoDate: string): boolean {
  return Object.prototype.hasOwnProperty.call(holidays, isoDate);
}
