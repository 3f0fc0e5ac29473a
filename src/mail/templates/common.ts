import type { Lang } from '../../domain/lang';

export type CallChannel = 'phone' | 'browser';

/** What every template takes besides its own facts. */
export interface TemplateBase {
  lang: Lang;
  /** Shown in the subject and signature; AIZUCHI_COMPANY_NAME. */
  companyName?: string;
}

export const DEFAULT_COMPANY_NAME = 'aizuchi';

export function greeting(lang: Lang, name: string): string {
  return lang === 'ja' ? `${name} 様` : `Hello ${name},`;
}

export function channelText(lang: Lang, channel: CallChannel): string {
  if (lang === 'ja') return channel === 'phone' ? 'ご登録の電話番号へのお電話' : 'ブラウザでの通話';
  return channel === 'phone' ? 'a phone call to the number on your account' : 'a call in your web browser';
}
