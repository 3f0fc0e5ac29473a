import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';
import { strings } from './strings';

/** A form's action keeps the chosen language across the POST. */
const withLang = (path: string, lang: Lang) => `${path}?lang=${lang}`;

const errorBox = (message: string | undefined) => (message ? html`<p class="error" role="alert">${message}</p>` : '');

/** `sso`: operators may also sign in through the company's OpenID Connect provider (a link to /signin/sso). */
export function signinPage(o: { lang: Lang; csrf: SafeHtml; error?: string; notice?: string; email?: string; sso?: boolean }): string {
  const t = strings(o.lang);
  return page({
    title: t.signinTitle,
    lang: o.lang,
    switchPath: '/signin',
    body: html`<h1>${t.signinTitle}</h1>
${errorBox(o.error)}${o.notice ? html`<p class="notice">${o.notice}</p>` : ''}
<form method="post" action="${withLang('/signin', o.lang)}">
${o.csrf}
<label>${t.email}<input type="email" name="email" autocomplete="username" required value="${o.email ?? ''}"></label>
<label>${t.password}<input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">${t.signinButton}</button>
</form>
${o.sso ? html`<p><a href="${withLang('/signin/sso', o.lang)}" data-testid="sso-link">${t.ssoLink}</a></p>` : ''}`,
  });
}

export function mfaPage(o: { lang: Lang; csrf: SafeHtml; error?: string }): string {
  const t = strings(o.lang);
  return page({
    title: t.mfaTitle,
    lang: o.lang,
    switchPath: '/signin/mfa',
    body: html`<h1>${t.mfaTitle}</h1>
${errorBox(o.error)}
<p>${t.mfaPrompt}</p>
<form method="post" action="${withLang('/signin/mfa', o.lang)}">
${o.csrf}
<label>${t.code}<input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8" required autofocus></label>
<button type="submit">${t.verifyButton}</button>
</form>
<p><a id="recover-link" href="${withLang('/recover', o.lang)}">${t.cantUseDevice}</a></p>`,
  });
}

export function enrollPage(o: {
  lang: Lang;
  csrf: SafeHtml;
  action: string;
  qr: SafeHtml;
  secretBase32: string;
  required: boolean;
  error?: string;
}): string {
  const t = strings(o.lang);
  // Groups of four are easier to type into an app by hand.
  const key = o.secretBase32.replace(/(.{4})/g, '$1 ').trim();
  return page({
    title: t.enrollTitle,
    lang: o.lang,
    switchPath: o.action,
    body: html`<h1>${t.enrollTitle}</h1>
${errorBox(o.error)}
${o.required ? html`<p class="notice">${t.enrollRequired}</p>` : ''}
<p>${t.enrollSteps}</p>
<div class="qr">${o.qr}</div>
<p class="muted">${t.manualKey} <code id="manual-key">${key}</code></p>
<form method="post" action="${withLang(o.action, o.lang)}">
${o.csrf}
<label>${t.code}<input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8" required></label>
<button type="submit">${t.enrollButton}</button>
</form>`,
  });
}

/** Shown instead of enrolment while it is frozen on the account ("this wasn't me" after a reset). */
export function mfaFrozenPage(o: { lang: Lang }): string {
  const t = strings(o.lang);
  return page({
    title: t.mfaTitle,
    lang: o.lang,
    body: html`<h1>${t.mfaTitle}</h1>
<p class="error" role="alert">${t.enrolFrozen}</p>`,
  });
}

/**
 * "Sign out?" with one button: where a sign-out arrived without a valid CSRF field (a page rendered
 * without one, a cookie renewed since, a typed /signout) the person confirms here instead of meeting
 * a 403. Another site can still not sign anyone out: this form's field is what the POST checks.
 */
export function signoutPage(o: { lang: Lang; csrf: SafeHtml }): string {
  const t = strings(o.lang);
  return page({
    title: t.signout,
    lang: o.lang,
    switchPath: '/signout',
    body: html`<h1>${t.signoutConfirm}</h1>
<form method="post" action="${withLang('/signout', o.lang)}" data-testid="signout-confirm">
${o.csrf}
<button type="submit">${t.signout}</button>
</form>`,
  });
}
