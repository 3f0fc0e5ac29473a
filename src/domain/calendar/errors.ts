import { AizuchiError } from '../errors';
/** A business-calendar setting (hours spec, time zone, closed date) that cannot be used. */
export class CalendarConfigError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'calendar_config', cause: options?.cause });
  }
}

/** A query the calendar cannot answer (invalid instant, or no opening within the search horizon). */
export class CalendarQueryError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'calendar_query', cause: options?.cause });
  }
}
