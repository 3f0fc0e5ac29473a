import type { Lang } from '../../domain/lang';
import type { Refusal } from '../../domain/refusal';
import { html } from '../../html/safe-html';
import { type BackPlace, REFUSAL_TEXTS, refusalSentence, refusalWords } from './console/refusal-texts';
import { page, withLangParam } from './layout';

/** The way back when the route named none: where a person refused this way can go on from. */
function defaultBack(refusal: Refusal): string {
  const { kind, options } = refusal;
  if (kind === 'sign_in_first') return '/signin';
  if (kind === 'operators_need_mfa') return '/account/mfa';
  if (kind === 'needs_role' && options.role === 'viewer') return '/';
  if (kind === 'not_found' && options.what === 'escalation') return '/console/escalations';
  if (kind === 'not_found' && options.what === 'manual_recovery') return '/console/manual-recoveries';
  return '/console';
}

/** Only a path on this site (never `//host` or a scheme), so a refusal cannot link elsewhere. */
const sameSite = (path: string | undefined): path is string =>
  !!path && path.startsWith('/') && !path.startsWith('//') && !path.includes('\\');

/** The link's words, from the path it points to. */
function placeOf(path: string): BackPlace {
  if (/^\/console\/cases\/[^/?]+/.test(path)) return 'case';
  if (/^\/console\/escalations\/[^/?]+/.test(path)) return 'escalation';
  if (path.startsWith('/console/escalations')) return 'escalations';
  if (path.startsWith('/console/manual-recoveries')) return 'manualRecoveries';
  if (path.startsWith('/console/live')) return 'live';
  if (path.startsWith('/console/settings')) return 'settings';
  if (path.startsWith('/signin')) return 'signin';
  if (path.startsWith('/account/mfa')) return 'mfa';
  if (path === '/' || !path.startsWith('/console')) return 'home';
  return 'console';
}

/**
 * The HTML answer for a Refusal (status set by the caller): a heading, what happened, that nothing
 * was changed / shown / opened (`nothing`: the method decides by default), and one link back —
 * `refusal.options.back` or a place by kind — with `?lang` kept. Nothing of the case (phone, email)
 * is ever written here. `switchPath`: the page's own address for the language switch (GET only; a
 * POST's address has no page to switch to; `''` for a query-only link).
 */
export function refusalPage(refusal: Refusal, lang: Lang, nothing: 'changed' | 'shown' | 'opened', switchPath?: string): string {
  const t = REFUSAL_TEXTS[lang];
  const details = { ...refusal.options, nothing };
  const words = refusalWords(refusal.kind, lang, details);
  const back = sameSite(refusal.options.back) ? refusal.options.back : defaultBack(refusal);
  return page({
    title: words.title,
    lang,
    ...(switchPath !== undefined ? { switchPath } : {}),
    body: html`<h1>${words.title}</h1><p role="alert" class="error" data-testid="refusal" data-refusal="${refusal.kind}">${refusalSentence(refusal.kind, lang, details)}</p><p><a href="${withLangParam(back, lang)}" data-testid="refusal-back">${t.back[placeOf(back)]}</a></p>`,
  });
}
