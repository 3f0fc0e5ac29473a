import { DIGITS_TRANSCRIPT_PLACEHOLDER, SPELLING_TRANSCRIPT_PLACEHOLDER } from '../../../agent/redaction';
import { CODE_TRANSCRIPT_PLACEHOLDER, KEYPAD_TRANSCRIPT_PLACEHOLDER } from '../../../agent/steps/code';
import { SECRET_PLACEHOLDER } from '../../../calls/transcript-guard';
import type { Lang } from '../../../domain/lang';

/**
 * The redaction markers a stored transcript holds (agent/redaction.ts, agent/steps/code.ts,
 * calls/transcript-guard.ts), in each console language. The store keeps the markers as they are
 * (stable text that search, exports and the live stream share); pages put them in the reader's
 * language when they draw a line, and the live view's script gets the same map for the lines it adds.
 */
export const TRANSCRIPT_MARKERS: Record<Lang, Record<string, string>> = {
  ja: {
    [DIGITS_TRANSCRIPT_PLACEHOLDER]: '［数字のため非表示］',
    [CODE_TRANSCRIPT_PLACEHOLDER]: '［確認コードのため非表示］',
    [KEYPAD_TRANSCRIPT_PLACEHOLDER]: '［キーパッド入力のため非表示］',
    [SPELLING_TRANSCRIPT_PLACEHOLDER]: '［メールアドレスの綴りのため非表示］',
    [SECRET_PLACEHOLDER]: '［秘密情報の可能性があるため非表示］',
  },
  en: {
    [DIGITS_TRANSCRIPT_PLACEHOLDER]: DIGITS_TRANSCRIPT_PLACEHOLDER,
    [CODE_TRANSCRIPT_PLACEHOLDER]: CODE_TRANSCRIPT_PLACEHOLDER,
    [KEYPAD_TRANSCRIPT_PLACEHOLDER]: KEYPAD_TRANSCRIPT_PLACEHOLDER,
    [SPELLING_TRANSCRIPT_PLACEHOLDER]: SPELLING_TRANSCRIPT_PLACEHOLDER,
    [SECRET_PLACEHOLDER]: SECRET_PLACEHOLDER,
  },
};

/** A stored transcript line's text with every redaction marker in `lang` (a marker can sit inside a line: the secret guard's). */
export function transcriptText(text: string, lang: Lang): string {
  if (!text.includes('[')) return text;
  let out = text;
  for (const [marker, words] of Object.entries(TRANSCRIPT_MARKERS[lang])) out = out.split(marker).join(words);
  return out;
}
