import { DateTime } from 'luxon';
import type { Lang } from '../../domain/lang';
import { AizuchiError } from '../../domain/errors';

export class MailTemplateError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'mail_template', cause: options?.cause });
  }
}

/**
 * English abbreviation of the zone at that instant. CLDR's en data has no "JST" (en-US shows
 * "GMT+9"), but its ja data does, so we take the first alphabetic short name either locale gives.
 */
function zoneAbbreviation(dt: DateTime): string {
  const names = ['en-US', 'ja'].map((locale) => dt.setLocale(locale).toFormat('ZZZZ'));
  return names.find((n) => /^[A-Z]{2,5}$/.test(n)) ?? names[0] ?? dt.toFormat('ZZ');
}

/**
 * A time as customers read it, in the business time zone:
 * ja `2026年11月30日(月) 09:00` (zone named only when it is not Japan time),
 * en `Mon 30 Nov 2026 09:00 JST`.
 */
export function formatMailTime(at: Date, timeZone: string, lang: Lang): string {
  const dt = DateTime.fromJSDate(at, { zone: timeZone });
  if (!dt.isValid) throw new MailTemplateError(`cannot format a time in zone "${timeZone}"`);
  if (lang === 'ja') {
    const text = dt.setLocale('ja').toFormat('yyyy年M月d日(ccc) HH:mm');
    return timeZone === 'Asia/Tokyo' ? text : `${text}（${timeZone}）`;
  }
  return `${dt.setLocale('en-GB').toFormat('ccc d LLL yyyy HH:mm')} ${zoneAbbreviation(dt)}`;
}
