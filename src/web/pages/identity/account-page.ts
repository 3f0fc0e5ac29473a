import type { Lang } from '../../../domain/lang';
import { maskEmail, maskPhone } from '../../../domain/phone';
import type { Account } from '../../../identity/types';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';
import { strings } from './strings';

/** The signed-in home: who you are (masked) and whether MFA is on. */
export function accountPage(o: { lang: Lang; account: Account; csrf: SafeHtml; notice?: string }): string {
  const t = strings(o.lang);
  const a = o.account;
  const signout = html`<form method="post" action="/signout?lang=${o.lang}" style="display:inline">${o.csrf}<button type="submit">${t.signout}</button></form>`;
  return page({
    title: t.accountTitle,
    lang: o.lang,
    nav: signout,
    switchPath: '/account',
    body: html`<h1>${t.accountTitle}</h1>
${o.notice ? html`<p class="notice">${o.notice}</p>` : ''}
<table>
<tr><th>${t.name}</th><td>${a.name}</td></tr>
<tr><th>${t.email}</th><td>${maskEmail(a.email)}</td></tr>
<tr><th>${t.phone}</th><td>${maskPhone(a.phoneE164)}</td></tr>
<tr><th>${t.mfaState}</th><td id="mfa-state" data-enabled="${a.mfaEnabled ? '1' : '0'}">${a.mfaEnabled ? t.mfaOn : t.mfaOff}</td></tr>
</table>
<p><a href="/account/mfa?lang=${o.lang}">${a.mfaEnabled ? t.mfaReenrol : t.mfaSetUp}</a></p>`,
  });
}
