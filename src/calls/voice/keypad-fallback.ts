import type { Lang } from '../../domain/lang';

/** Said once when speech recognition fails mid-call: the call goes on with the keypad (and typed text). */
export const KEYPAD_FALLBACK_PROMPT: Record<Lang, string> = {
  ja: '申し訳ありません、音声がうまく聞き取れなくなりました。ここからは、電話のキーパッドで入力してください。',
  en: "I'm sorry, I can no longer hear your voice clearly. From now on, please use your phone's keypad.",
};
