import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';
import { RECOVERY_TEXTS } from './texts';

export interface FormView {
  lang: Lang;
  email?: string;
  phone?: string;
  error?: string;
  /** The boxes as the customer left them (after an error); unticked on a fresh form. */
  consent?: boolean;
  recordingConsent?: boolean;
  hasPasswordEvidence: boolean;
  consentVersion: string;
  csrfField: SafeHtml;
}

/**
 * The callback request form. Neither consent is pre-ticked (APPI and GDPR want an affirmative act);
 * after a refused post the fields and ticks come back as sent, with the error in the page's language.
 */
export function recoveryFormPage(v: FormView): string {
  const t = RECOVERY_TEXTS[v.lang];
  const ticked = (on: boolean | undefined) => (on ? html` checked` : '');
  return page({
    title: t.title,
    lang: v.lang,
    switchPath: '/recover',
    body: html`<h1>${t.title}</h1>
<p>${t.intro}</p>
${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
${
  v.hasPasswordEvidence
    ? html`<p class="notice">${t.passwordEvidence}</p>`
    : // Every policy needs the password and this form has no field for it (it comes from a
      // signed-in session), so say up front that the call alone cannot finish the reset.
      html`<p class="notice" data-testid="no-password">${t.noPasswordEvidence} <a href="/signin?lang=${v.lang}">${t.signInFirst}</a></p>`
}
<form method="post" action="/recover">
  ${v.csrfField}
  <input type="hidden" name="consentVersion" value="${v.consentVersion}">
  <label>${t.email}<input name="email" type="email" required autocomplete="email" value="${v.email ?? ''}"></label>
  <label>${t.phone}<input name="phone" type="tel" required autocomplete="tel" placeholder="${t.phoneHint}" value="${v.phone ?? ''}"></label>
  <label>${t.lang}<select name="lang"><option value="ja"${v.lang === 'ja' ? ' selected' : ''}>日本語</option><option value="en"${v.lang === 'en' ? ' selected' : ''}>English</option></select></label>
  <label><span><input type="checkbox" name="consent" value="yes" required${ticked(v.consent)}> ${t.consent}</span></label>
  <label><span><input type="checkbox" name="recordingConsent" value="yes"${ticked(v.recordingConsent)}> ${t.recording}</span></label>
  <button type="submit">${t.submit}</button>
</form>`,
  });
}

/**
 * The page behind the mailed "this wasn't me" link: it only asks. Mail scanners and link previews
 * open links, so the act is the POST of this form, whose hidden token is the capability.
 */
export function disownConfirmPage(lang: Lang, token: string): string {
  const t = RECOVERY_TEXTS[lang];
  return page({
    // Whoever opens this link did not ask for anything: not the form's "Can't use your MFA device?".
    title: t.disownTitle,
    lang,
    // The link's own address: the token is already in it (and the page's referrer policy keeps it here).
    switchPath: `/recover/cancel?token=${encodeURIComponent(token)}`,
    body: html`<h1>${t.disownTitle}</h1>
<p>${t.confirmIntro}</p>
<form method="post" action="/recover/cancel">
  <input type="hidden" name="token" value="${token}">
  <input type="hidden" name="lang" value="${lang}">
  <button type="submit">${t.confirmButton}</button>
</form>`,
  });
}

/** A result page. `switchPath` only for a page a GET can show again (a POST's answer cannot be re-asked in the other language). */
export function messagePage(lang: Lang, title: string, message: string, kind: 'notice' | 'error' = 'notice', switchPath?: string): string {
  return page({ title, lang, switchPath, body: html`<h1>${title}</h1><p class="${kind}" role="status">${message}</p>` });
}
