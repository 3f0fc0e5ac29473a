import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Lang, isLang, pickLang } from '../domain/lang';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The language of this request's answer (issue 10: "one language negotiation for the whole
     * app"), set once by requestLang's onRequest hook; the console gate may refine it with the
     * operator's stored choice (applyStoredLang). Routes read it; none negotiates on its own.
     */
    lang: Lang;
    /** True when the address named the language (`?lang=ja|en`): nothing stored or sent by the browser overrides it. */
    langChosen: boolean;
  }
  interface FastifyContextConfig {
    /** This route's language when neither ?lang nor the browser names one; default 'ja' (the dev mail inbox: 'en'). */
    langFallback?: Lang;
  }
}

/**
 * The one rule, in order: `?lang=ja|en` in the address → (console only) the operator's stored
 * preference → the browser's Accept-Language by q-value (domain/lang.ts pickLang) → the route's
 * fallback (config.langFallback) → Japanese. There is no language cookie: pages carry ?lang in
 * their links and forms, so a choice follows the visitor without one.
 */
export function negotiateLang(req: FastifyRequest): { lang: Lang; chosen: boolean } {
  const asked = (req.query as { lang?: unknown } | undefined)?.lang;
  if (isLang(asked)) return { lang: asked, chosen: true };
  return { lang: pickLang(undefined, req.headers['accept-language'], req.routeOptions.config?.langFallback), chosen: false };
}

/**
 * The operator's stored console language (console_preferences), applied by the console gate once it
 * knows who is signed in, unless the address chose one. Undefined `stored`: no change.
 */
export function applyStoredLang(req: FastifyRequest, stored: Lang | undefined): void {
  if (!req.langChosen && stored !== undefined) req.lang = stored;
}

/**
 * Decorates every request with `lang` and `langChosen` and sets them in an onRequest hook, for all
 * routes and the 404 page (fastify-plugin: the hook is the app's, not one area's). Registered by
 * app.ts before the area plugins; a test building one plugin alone registers it too.
 */
export const requestLang: FastifyPluginAsync = fp(
  async (app) => {
    app.decorateRequest('lang', 'ja');
    app.decorateRequest('langChosen', false);
    app.addHook('onRequest', async (req) => {
      const { lang, chosen } = negotiateLang(req);
      req.lang = lang;
      req.langChosen = chosen;
    });
  },
  { name: 'aizuchi-request-lang' },
);
