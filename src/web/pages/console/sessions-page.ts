import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import type { ConsoleSessionRow } from '../../../settings';
import { page } from '../layout';
import { browserLabel } from './browser-label';
import { consoleNav } from './console-pages';
import { localTime, zoneLabel } from './console-time';

/** The sessions page's words (ja first), kept beside the page as the re-auth page's are. */
export const SESSIONS_TEXTS = {
  ja: {
    title: 'サインイン中のセッション',
    intro:
      'コンソールにサインインしているブラウザーの一覧です。心当たりのないものは終了してください。終了したセッションは次の操作でサインイン画面に戻ります。',
    mine: 'あなたのセッション',
    everyone: '全オペレーターのセッション（管理者）',
    operator: 'オペレーター',
    browser: 'ブラウザー',
    method: '方式',
    local: 'パスワード＋認証コード',
    sso: 'シングルサインオン',
    signedIn: 'サインイン',
    lastSeen: '最終操作',
    thisOne: 'このブラウザー',
    unknownBrowser: '不明',
    on: (browser: string, system: string) => `${browser}（${system}）`,
    revoke: '終了する',
    revokeOthers: 'ほかのセッションをすべて終了',
    none: 'セッションはありません。',
    revoked: 'セッションを終了しました。',
    revokedOthers: (n: number) => `ほかのセッションを${n}件終了しました。`,
    notFound: 'そのセッションは既に終了しています。',
    forbidden: 'ほかのオペレーターのセッションは管理者だけが終了できます。何も変更していません。',
    badForm: 'フォームの有効期限が切れたか、このサイトからのものではありません。何も変更していません。',
  },
  en: {
    title: 'Signed-in sessions',
    intro: "The browsers signed in to the console. End any you don't recognise: an ended session goes back to sign-in at its next request.",
    mine: 'Your sessions',
    everyone: "Every operator's sessions (admin)",
    operator: 'Operator',
    browser: 'Browser',
    method: 'Method',
    local: 'Password + authenticator code',
    sso: 'Single sign-on',
    signedIn: 'Signed in',
    lastSeen: 'Last seen',
    thisOne: 'This browser',
    unknownBrowser: 'unknown',
    on: (browser: string, system: string) => `${browser} on ${system}`,
    revoke: 'Sign out',
    revokeOthers: 'Sign out everywhere else',
    none: 'No sessions.',
    revoked: 'The session was ended.',
    revokedOthers: (n: number) => `${n} other session${n === 1 ? ' was' : 's were'} ended.`,
    notFound: 'That session had already ended.',
    forbidden: "Only an admin may end another operator's session. Nothing was changed.",
    badForm: 'The form was stale or not from this site. Nothing was changed.',
  },
} as const;

export type SessionsNotice = { kind: 'revoked' } | { kind: 'revokedOthers'; count: number };
export type SessionsError = 'notFound' | 'forbidden' | 'badForm';

export interface SessionsView {
  lang: Lang;
  timeZone: string;
  /** The signed-in operator's own sessions. */
  mine: ConsoleSessionRow[];
  /** Every operator's sessions: only for an admin. */
  everyone?: ConsoleSessionRow[];
  /** The public id of the session this request came with. */
  current: string;
  csrfField: SafeHtml;
  notice?: SessionsNotice;
  error?: SessionsError;
  switchPath?: string;
}

/**
 * GET /console/sessions: the operator's own console sessions (browser, method, signed in, last
 * seen, this one marked) with a sign-out button each and "sign out everywhere else"; for an admin
 * also every operator's. Times in the business zone, the zone named in the column heads.
 */
export function sessionsPage(v: SessionsView): string {
  const t = SESSIONS_TEXTS[v.lang];
  const zone = zoneLabel(v.timeZone);
  const when = (d: Date) => localTime(d.toISOString(), v.timeZone);
  const browser = (s: ConsoleSessionRow) => {
    const b = browserLabel(s.userAgent);
    if (!b) return t.unknownBrowser;
    return b.system ? t.on(b.browser, b.system) : b.browser;
  };
  const revokeForm = (s: ConsoleSessionRow) =>
    s.publicId === v.current
      ? html`<strong data-testid="this-session">${t.thisOne}</strong>`
      : html`<form method="post" action="/console/sessions/revoke?lang=${v.lang}" style="display:inline">${v.csrfField}<input type="hidden" name="session" value="${s.publicId}"><button type="submit" data-testid="revoke-${s.publicId}">${t.revoke}</button></form>`;
  const table = (rows: ConsoleSessionRow[], withOperator: boolean, testid: string) =>
    rows.length === 0
      ? html`<p class="muted">${t.none}</p>`
      : html`<div class="table-scroll"><table data-testid="${testid}"><tr>${withOperator ? html`<th>${t.operator}</th>` : ''}<th>${t.browser}</th><th>${t.method}</th><th>${t.signedIn} (${zone})</th><th>${t.lastSeen} (${zone})</th><th></th></tr>${rows.map(
          (s) =>
            html`<tr data-testid="session-row" data-session="${s.publicId}">${withOperator ? html`<td>${s.name ?? ''} <span class="muted">${s.maskedEmail ?? s.operatorId}</span></td>` : ''}<td>${browser(s)}</td><td>${t[s.method]}</td><td>${when(s.createdAt)}</td><td>${when(s.lastSeenAt)}</td><td>${revokeForm(s)}</td></tr>`,
        )}</table></div>`;
  const notice = v.notice
    ? html`<p class="notice" role="status" data-testid="sessions-notice">${v.notice.kind === 'revoked' ? t.revoked : t.revokedOthers(v.notice.count)}</p>`
    : '';
  const error = v.error ? html`<p class="error" role="alert" data-testid="sessions-error">${t[v.error]}</p>` : '';
  const others = v.mine.some((s) => s.publicId !== v.current)
    ? html`<form method="post" action="/console/sessions/revoke-others?lang=${v.lang}">${v.csrfField}<button type="submit" data-testid="revoke-others">${t.revokeOthers}</button></form>`
    : '';
  return page({
    title: t.title,
    lang: v.lang,
    wide: true,
    switchPath: v.switchPath,
    nav: consoleNav(v.csrfField, v.lang),
    body: html`<h1>${t.title}</h1>
<p class="muted">${t.intro}</p>
${notice}${error}
<h2>${t.mine}</h2>
${table(v.mine, false, 'my-sessions')}
${others}
${v.everyone ? html`<h2>${t.everyone}</h2>${table(v.everyone, true, 'all-sessions')}` : ''}`,
  });
}
