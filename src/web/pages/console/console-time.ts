import { DateTime } from 'luxon';
import type { Lang } from '../../../domain/lang';

/**
 * The zone's short name at that instant as operators read it: "JST" for Asia/Tokyo. CLDR's en data
 * has no "JST" (en-US gives "GMT+9") but its ja data does, so the first alphabetic short name of
 * either locale wins, else the numeric offset (+09:00).
 */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  const dt = DateTime.fromJSDate(at, { zone: timeZone });
  const names = ['en-US', 'ja'].map((locale) => dt.setLocale(locale).toFormat('ZZZZ'));
  return names.find((n) => /^[A-Z]{2,5}$/.test(n)) ?? dt.toFormat('ZZ');
}

/** An ISO-8601 UTC instant as `YYYY-MM-DD HH:mm:ss` in the business time zone (the zone is named in the column head). */
export function localTime(iso: string, timeZone: string): string {
  const dt = DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone);
  return dt.isValid ? dt.toFormat('yyyy-MM-dd HH:mm:ss') : iso;
}

/**
 * A calendar date `YYYY-MM-DD` in the business time zone → the ISO-8601 UTC instant its day starts
 * (`plusDays` 1 gives the next day's start, for an inclusive "to" date). Undefined for a non-date.
 */
export function dayStartUtc(date: string, timeZone: string, plusDays = 0): string | undefined {
  const dt = DateTime.fromISO(date, { zone: timeZone });
  if (!dt.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  return dt.startOf('day').plus({ days: plusDays }).toUTC().toISO() ?? undefined;
}

/**
 * An instant as an operator reads it in a sentence, in the business zone and always naming it:
 * ja `2035年12月4日(火) 09:00 JST`, en `Tue 4 Dec 2035 09:00 JST`.
 */
export function sentenceTime(at: Date, timeZone: string, lang: Lang): string {
  const dt = DateTime.fromJSDate(at, { zone: timeZone });
  const text =
    lang === 'ja' ? dt.setLocale('ja').toFormat('yyyy年M月d日(ccc) HH:mm') : dt.setLocale('en-GB').toFormat('ccc d LLL yyyy HH:mm');
  return `${text} ${zoneLabel(timeZone, at)}`;
}
