import type { ConsoleRole } from '../../../domain/console-roles';
import type { Lang } from '../../../domain/lang';
import type { MissingThing, NothingDone, RefusalKind } from '../../../domain/refusal';

/** A refusal as a person reads it: a heading and what happened (the page adds what was not done). */
export interface RefusalWords {
  title: string;
  body: string;
  /** What to do next, said after "nothing was …". */
  hint?: string;
}

type KindWords = Record<Exclude<RefusalKind, 'needs_role' | 'not_found'>, RefusalWords>;

const ROLE_WORDS: Record<Lang, Record<ConsoleRole, string>> = {
  ja: { viewer: '閲覧者', operator: 'オペレーター', admin: '管理者' },
  en: { viewer: 'viewer', operator: 'operator', admin: 'admin' },
};

const MISSING_WORDS: Record<Lang, Record<MissingThing, string>> = {
  ja: { case: 'ケース', escalation: 'エスカレーション', manual_recovery: '手動復旧の申請', recording: '通話の録音' },
  en: { case: 'case', escalation: 'escalation', manual_recovery: 'manual recovery request', recording: 'recording of this call' },
};

/**
 * The refusal page's words (issue 10: the console in Japanese and English). Each kind says what
 * happened and what to do; `nothing` is appended by the page so every refusal says that nothing
 * was changed, shown or opened.
 */
export const REFUSAL_TEXTS = {
  ja: {
    kinds: {
      stale_form: {
        title: 'フォームの有効期限が切れています',
        body: 'フォームの有効期限が切れたか、このサイトからの送信ではありません。',
        hint: 'ページを開き直して、もう一度お試しください。',
      },
      stale_page: {
        title: 'ページが古くなっています',
        body: 'このページは古くなっています。',
        hint: '再読み込みしてから、もう一度お試しください。',
      },
      sign_in_first: { title: 'サインインしてください', body: '先にコンソールにサインインしてください。' },
      operators_need_mfa: {
        title: '多要素認証が必要です',
        body: 'オペレーターのアカウントは多要素認証（MFA）を設定しないとコンソールを使えません。',
        hint: '認証アプリを登録してから、サインインし直してください。',
      },
      not_from_console: {
        title: 'このコンソールからのみ開けます',
        body: 'この接続は、このサイトのコンソールのページからのみ開けます。',
      },
    } satisfies KindWords,
    needsRole: (role: ConsoleRole) =>
      role === 'viewer'
        ? { title: 'コンソールの権限がありません', body: 'このページはコンソールのアカウント（閲覧者・オペレーター・管理者）専用です。' }
        : {
            title: `${ROLE_WORDS.ja[role]}の権限が必要です`,
            body: `この操作には${ROLE_WORDS.ja[role]}${role === 'operator' ? 'または管理者' : ''}の権限が必要です。`,
          },
    notFound: (what: MissingThing) => ({
      title: `${MISSING_WORDS.ja[what]}が見つかりません`,
      body: `この${MISSING_WORDS.ja[what]}はありません。`,
    }),
    nothing: { changed: '何も変更していません。', shown: '何も表示していません。', opened: '何も開いていません。' } satisfies Record<
      NothingDone,
      string
    >,
    back: {
      console: 'ケース一覧へ戻る',
      case: 'ケースへ戻る',
      escalation: 'エスカレーションへ戻る',
      escalations: 'エスカレーション一覧へ戻る',
      manualRecoveries: '手動復旧の一覧へ戻る',
      live: 'ライブ通話へ戻る',
      settings: '設定へ戻る',
      signin: 'サインインへ',
      mfa: '認証アプリを登録する',
      home: 'トップページへ',
    },
    sep: '',
  },
  en: {
    kinds: {
      stale_form: {
        title: 'The form has expired',
        body: 'The form was stale or not from this site.',
        hint: 'Open the page again and try once more.',
      },
      stale_page: { title: 'The page is out of date', body: 'This page is stale.', hint: 'Reload it and try again.' },
      sign_in_first: { title: 'Please sign in', body: 'Sign in to the console first.' },
      operators_need_mfa: {
        title: 'MFA is required',
        body: 'Operator accounts cannot use the console without multi-factor authentication (MFA).',
        hint: 'Add an authenticator app, then sign in again.',
      },
      not_from_console: { title: 'Opens only from this console', body: 'This connection opens only from a page of this console.' },
    } satisfies KindWords,
    needsRole: (role: ConsoleRole) =>
      role === 'viewer'
        ? { title: 'No console role', body: 'This page is for console accounts (viewer, operator or admin) only.' }
        : {
            title: `This needs the ${ROLE_WORDS.en[role]} role`,
            body: `This needs the ${ROLE_WORDS.en[role]} role${role === 'operator' ? ' (or admin)' : ''}; your account does not have it.`,
          },
    notFound: (what: MissingThing) => ({ title: `No such ${MISSING_WORDS.en[what]}`, body: `There is no such ${MISSING_WORDS.en[what]}.` }),
    nothing: { changed: 'Nothing was changed.', shown: 'Nothing was shown.', opened: 'Nothing was opened.' } satisfies Record<
      NothingDone,
      string
    >,
    back: {
      console: 'Back to the case list',
      case: 'Back to the case',
      escalation: 'Back to the escalation',
      escalations: 'Back to the escalations',
      manualRecoveries: 'Back to manual recoveries',
      live: 'Back to live calls',
      settings: 'Back to settings',
      signin: 'Go to sign-in',
      mfa: 'Add an authenticator app',
      home: 'Go to the start page',
    },
    sep: ' ',
  },
} as const;

/** Where a refusal page's "back" link points when the route named no place: by kind. */
export type BackPlace = keyof (typeof REFUSAL_TEXTS)['en']['back'];

/** The heading and sentence for a refusal of `kind` (`role` for needs_role, `what` for not_found). */
export function refusalWords(kind: RefusalKind, lang: Lang, details: { role?: ConsoleRole; what?: MissingThing } = {}): RefusalWords {
  const t = REFUSAL_TEXTS[lang];
  if (kind === 'needs_role') return t.needsRole(details.role ?? 'operator');
  if (kind === 'not_found') return t.notFound(details.what ?? 'case');
  return t.kinds[kind];
}

/** One line for a refusal: what happened, then that nothing was done (JSON `message`, and pages that show it inline). */
export function refusalSentence(
  kind: RefusalKind,
  lang: Lang,
  details: { role?: ConsoleRole; what?: MissingThing; nothing?: NothingDone } = {},
): string {
  const t = REFUSAL_TEXTS[lang];
  const w = refusalWords(kind, lang, details);
  return [w.body, t.nothing[details.nothing ?? 'changed'], ...(w.hint ? [w.hint] : [])].join(t.sep);
}
