export { SEARCH_HORIZON_DAYS, createBusinessCalendar } from './calendar';
export type { BusinessCalendar, BusinessCalendarOptions, OpenWindow } from './calendar';
export { CalendarConfigError, CalendarQueryError } from './errors';
export { parseWeeklyHours } from './weekly-hours';
export type { DailyInterval, WeeklyHours } from './weekly-hours';
