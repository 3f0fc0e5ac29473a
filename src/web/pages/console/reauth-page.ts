import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';

/** The re-authentication page's words (ja first), kept beside the page rather than in console-texts.ts. */
export const REAUTH_TEXTS = {
  ja: {
    title: '本人確認の再実行',
    intro: 'この操作には直前の本人確認が必要です。パスワードと認証アプリのコードを入力してください。',
    again: '確認が済むと元の画面に戻ります。操作はまだ実行されていません。もう一度ボタンを押してください。',
    password: 'パスワード',
    code: '認証アプリのコード（6桁）',
    button: '確認する',
    badCredentials: 'パスワードまたはコードが正しくありません。',
    missing: 'パスワードと6桁のコードを入力してください。',
    tooMany: '試行回数が多すぎます。しばらくしてからもう一度お試しください。',
    badForm: 'フォームの有効期限が切れたか、このサイトからのものではありません。もう一度お試しください。',
    sso: '会社のシングルサインオンでもう一度サインインしてください。',
    ssoButton: 'シングルサインオンで確認する',
  },
  en: {
    title: 'Confirm it is you',
    intro: 'This action needs a recent sign-in. Enter your password and the code from your authenticator app.',
    again: 'You will be taken back to the page you were on. Nothing has been done yet: press the button again.',
    password: 'Password',
    code: 'Authenticator code (6 digits)',
    button: 'Confirm',
    badCredentials: 'The password or the code is not right.',
    missing: 'Enter your password and the 6-digit code.',
    tooMany: 'Too many attempts. Please wait a while and try again.',
    badForm: 'The form was stale or not from this site. Please try again.',
    sso: "Sign in again with your company's single sign-on.",
    ssoButton: 'Confirm with single sign-on',
  },
} as const;

export type ReauthError = 'badCredentials' | 'missing' | 'tooMany' | 'badForm';

/**
 * The re-authentication form (fresh-auth.ts): password + TOTP for a local operator, or a link
 * through the company's SSO (`ssoHref`). `next` is the checked same-site path to return to;
 * `again`: the action was a POST, which is not replayed — the person presses its button again.
 */
export function reauthPage(o: { lang: Lang; csrf: SafeHtml; next: string; again: boolean; ssoHref?: string; error?: ReauthError }): string {
  const t = REAUTH_TEXTS[o.lang];
  const action = `/signin/reauth?lang=${o.lang}&next=${encodeURIComponent(o.next)}${o.again ? '&again=1' : ''}`;
  const form = o.ssoHref
    ? html`<p>${t.sso}</p><p><a href="${o.ssoHref}" data-testid="reauth-sso">${t.ssoButton}</a></p>`
    : html`<form method="post" action="${action}" data-testid="reauth-form">
${o.csrf}
<label>${t.password}<input type="password" name="password" autocomplete="current-password" required autofocus></label>
<label>${t.code}<input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8" required></label>
<button type="submit">${t.button}</button>
</form>`;
  return page({
    title: t.title,
    lang: o.lang,
    switchPath: `/signin/reauth?next=${encodeURIComponent(o.next)}${o.again ? '&again=1' : ''}`,
    body: html`<h1>${t.title}</h1>
${o.error ? html`<p class="error" role="alert">${t[o.error]}</p>` : ''}
<p>${t.intro}</p>
${o.again ? html`<p class="notice" data-testid="reauth-again">${t.again}</p>` : ''}
${form}`,
  });
}
