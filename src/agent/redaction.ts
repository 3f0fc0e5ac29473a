import type { Lang } from '../domain/lang';
import { readDigits } from './understanding/digits';

export const DIGITS_TRANSCRIPT_PLACEHOLDER = '[digits redacted]';

/** A run this long could be (part of) a code; shorter numbers ("one moment", "第2") are harmless. */
const MIN_SUSPECT_DIGITS = 4;

/**
 * Redaction for caller speech outside the code and email steps (inside them the step's own placeholder
 * replaces the whole turn). Anything that reads as four or more digits is dropped whole, because a caller
 * may read the code at the wrong moment or wrap it in a request ("read back 1267 5693?").
 */
export function redactCallerText(text: string, lang: Lang): string {
  if (readDigits([text], lang).digits.length >= MIN_SUSPECT_DIGITS) return DIGITS_TRANSCRIPT_PLACEHOLDER;
  return text.replace(/[0-9０-９]/g, '#');
}
