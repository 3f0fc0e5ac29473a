/** A business-calendar setting (hours spec, time zone, closed date) that cannot be used. */
export class CalendarConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarConfigError';
  }
}

/** A query the calendar cannot answer (invalid instant, or no opening within the search horizon). */
export class CalendarQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarQueryError';
  }
}
