import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Clock } from '../../domain/clock';
import type { ConsoleRole } from '../../domain/console-roles';
import type { Lang } from '../../domain/lang';
import { EnrollmentExpiredError } from '../../identity/errors';
import type { PendingEnrollment } from '../../identity/mfa';
import type { IdentityService } from '../../identity/service';
import type { IssuedSession } from '../../identity/sessions';
import type { Account, SessionStage } from '../../identity/types';
import { hmacHex, newToken } from '../../security/keys';
import { accountPage } from '../pages/identity/account-page';
import { type Csrf, createCsrf } from '../pages/identity/csrf';
import { qrSvg } from '../pages/identity/qr';
import { enrollPage, mfaFrozenPage, mfaPage, signinPage, signoutPage } from '../pages/identity/signin-pages';
import { strings } from '../pages/identity/strings';
import { zodRoutes } from '../openapi';
import { SESSION_COOKIE, createOperatorGate } from './operator-gate';
import { takeReturnPath } from './return-path';
import { langParam, langQuery } from '../route-schemas';
import { z } from 'zod';

export { SESSION_COOKIE } from './operator-gate';
const ENROLL_COOKIE = 'aizuchi_enroll';
/** A browser this account completed sign-in on: its wrong codes are counted apart from strangers'. */
const KNOWN_DEVICE_COOKIE = 'aizuchi_known_device';
const KNOWN_DEVICE_MAX_AGE_SEC = 90 * 24 * 3600;

export interface IdentityWebDeps {
  identity: IdentityService;
  clock: Clock;
  /** Signs CSRF tokens (keys.tokenHmac). */
  csrfKey: Buffer;
  /** Cookies get `Secure` when this is https. */
  publicUrl: string;
  /** The sign-in page links to the company's single sign-on (operator SSO is configured). */
  ssoLink?: boolean;
  /** Also ends the browser's other console session (operator SSO) on POST /signout. */
  onSignOut?(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** A local operator's console role (identity/operator-roles.ts); without it every operator is an admin. */
  consoleRoleOf?(accountId: string): Promise<ConsoleRole>;
  /**
   * Console sessions end after this long without a request (ms; config sessions.idleMin). Checked at
   * the console's gate, so customers' sessions are not cut; unset: no idle limit.
   */
  idleMs?: number;
  /**
   * Console sessions end this long after sign-in whatever the activity (ms; config
   * console.sessionMaxHours; NIST SP 800-63B-4 AAL2: at most 12 h). Unset: the store's own TTL.
   */
  maxAgeMs?: number;
}

export interface SessionView {
  accountId: string;
  stage: SessionStage;
  passwordVerifiedAt: string | null;
}

export interface IdentityWeb {
  plugin: FastifyPluginAsync;
  /** The browser's session, at any stage, or null. A 'password' session means the password was right. */
  readSession(request: FastifyRequest): Promise<SessionView | null>;
  /**
   * preHandler: a fully signed-in operator with MFA (request.operator is set), else a redirect to
   * /signin (a missing, expired, idle or revoked session) or 403 (a customer; an operator without MFA).
   */
  requireOperator: preHandlerAsyncHookHandler;
  /** The device id in this browser's known-device cookie (path /signin) when issued to `accountId`. */
  knownDeviceOf(request: FastifyRequest, accountId: string): string | undefined;
  /**
   * The operator this request's session belongs to now (full stage, operator role, MFA on) with
   * their console role, read afresh, else undefined; writes no reply and touches nothing. Long-lived
   * streams re-check with it (stream-session.ts): a revoked or expired session, a removed MFA or a
   * lowered role ends them.
   */
  currentOperator(request: FastifyRequest): Promise<{ id: string; role: ConsoleRole } | undefined>;
  csrf: Csrf;
}

type Query = { lang?: string; enrolled?: string; signedout?: string };
type Form = Record<string, string | undefined>;

/*
 * The pages' inputs, for /openapi.json. Loose objects with attachValidation: they describe, and the
 * handlers still decide (a missing field or a bad token answers with a page in the visitor's
 * language, never Fastify's JSON 400), so nothing a page did before changes.
 */
const csrfField = z.string().optional().describe("the form's CSRF token (the hidden `_csrf` field)");
const codeForm = z.looseObject({ code: z.string().optional().describe('six digits from the authenticator app'), _csrf: csrfField });
const page = (summary: string, querystring: z.ZodType = langQuery) => ({
  schema: { summary, querystring },
  attachValidation: true,
});
const formRoute = <B extends z.ZodType>(summary: string, body: B) => ({
  schema: { summary, querystring: langQuery, body },
  attachValidation: true,
});

/** Sign-in (password → TOTP or forced enrolment), the account page and sign-out. */
export function createIdentityWeb(deps: IdentityWebDeps): IdentityWeb {
  const { identity } = deps;
  const secure = deps.publicUrl.startsWith('https:');
  const csrf = createCsrf(deps.csrfKey, secure);

  const form = (request: FastifyRequest): Form => (request.body ?? {}) as Form;
  const landing = (account: Account, lang: Lang) => `${account.role === 'operator' ? '/console' : '/account'}?lang=${lang}`;
  const sendPage = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  function setSessionCookie(reply: FastifyReply, session: IssuedSession): void {
    reply.setCookie(SESSION_COOKIE, session.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      expires: session.expiresAt,
    });
  }

  async function readSession(request: FastifyRequest): Promise<SessionView | null> {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return null;
    const session = await identity.sessions.read(token);
    return session ? { accountId: session.accountId, stage: session.stage, passwordVerifiedAt: session.passwordVerifiedAt } : null;
  }

  /** The session and its account, when the session is at `stage`. */
  async function sessionAccount(request: FastifyRequest, stage?: SessionStage) {
    const session = await readSession(request);
    if (!session || (stage && session.stage !== stage)) return null;
    const account = await identity.getAccount(session.accountId);
    return account ? { session, account } : null;
  }

  /** Where a 'password' session goes next: enrolment first, then the code, else straight in. */
  async function nextStep(request: FastifyRequest, reply: FastifyReply, token: string, account: Account, lang: Lang) {
    if (account.mfaEnrollRequired) return reply.redirect(`/signin/enroll?lang=${lang}`, 303);
    if (account.mfaEnabled) return reply.redirect(`/signin/mfa?lang=${lang}`, 303);
    return completeSignin(request, reply, token, account, lang);
  }

  const knownDeviceMac = (accountId: string, nonce: string) => hmacHex(deps.csrfKey, `known-device:${accountId}:${nonce}`);

  /** The device id in this browser's known-device cookie when it was issued to `accountId`, else undefined. */
  function knownDeviceOf(request: FastifyRequest, accountId: string): string | undefined {
    const [nonce, mac] = (request.cookies[KNOWN_DEVICE_COOKIE] ?? '').split('.');
    if (!nonce || !mac) return undefined;
    const expected = Buffer.from(knownDeviceMac(accountId, nonce));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : undefined;
  }

  /** The 'password' session becomes a 'full' one under a new token. */
  async function completeSignin(request: FastifyRequest, reply: FastifyReply, token: string, account: Account, lang: Lang) {
    const full = await identity.sessions.promote(token);
    if (!full) return reply.redirect(`/signin?lang=${lang}`, 303);
    setSessionCookie(reply, full);
    const nonce = newToken();
    reply.setCookie(KNOWN_DEVICE_COOKIE, `${nonce}.${knownDeviceMac(account.id, nonce)}`, {
      path: '/signin',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: KNOWN_DEVICE_MAX_AGE_SEC,
    });
    // An operator goes back to the console page the gate sent here from, when it was a safe one.
    const back = takeReturnPath(request, reply);
    return reply.redirect((account.role === 'operator' && back) || landing(account, lang), 303);
  }

  /** Reuses the enrolment in the cookie (a reload shows the same QR), or starts a new one. */
  async function pendingEnrollment(request: FastifyRequest, reply: FastifyReply, accountId: string): Promise<PendingEnrollment> {
    const existing = request.cookies[ENROLL_COOKIE];
    if (existing) {
      try {
        return await identity.reopenEnrollment(accountId, existing);
      } catch (err) {
        if (!(err instanceof EnrollmentExpiredError)) throw err;
      }
    }
    const fresh = await identity.beginEnrollment(accountId);
    reply.setCookie(ENROLL_COOKIE, fresh.pending, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 15 * 60 });
    return fresh;
  }

  /** True (and a 403 page sent) when the account may not enrol a new factor right now. */
  async function refusedWhileFrozen(request: FastifyRequest, reply: FastifyReply, accountId: string): Promise<boolean> {
    if (!(await identity.getAccount(accountId))?.enrolmentFrozen) return false;
    const lang = request.lang;
    await sendPage(reply, 403, mfaFrozenPage({ lang }));
    return true;
  }

  async function renderEnroll(
    request: FastifyRequest,
    reply: FastifyReply,
    o: { accountId: string; action: string; required: boolean; status: number; error?: string },
  ) {
    const lang = request.lang;
    if (await refusedWhileFrozen(request, reply, o.accountId)) return reply;
    const pending = await pendingEnrollment(request, reply, o.accountId);
    const body = enrollPage({
      lang,
      csrf: csrf.field(request, reply),
      action: o.action,
      qr: await qrSvg(pending.otpauthUri),
      secretBase32: pending.secretBase32,
      required: o.required,
      error: o.error,
    });
    return sendPage(reply, o.status, body);
  }

  /** Confirms the enrolment in the cookie; false (and an error page) when the code is wrong or it expired. */
  async function confirmEnroll(request: FastifyRequest, reply: FastifyReply, accountId: string, action: string, required: boolean) {
    const t = strings(request.lang);
    if (await refusedWhileFrozen(request, reply, accountId)) return false;
    const pending = request.cookies[ENROLL_COOKIE] ?? '';
    try {
      if (await identity.confirmEnrollment(accountId, pending, form(request).code ?? '')) {
        reply.clearCookie(ENROLL_COOKIE, { path: '/' });
        return true;
      }
      await renderEnroll(request, reply, { accountId, action, required, status: 400, error: t.badCode });
    } catch (err) {
      if (!(err instanceof EnrollmentExpiredError)) throw err;
      reply.clearCookie(ENROLL_COOKIE, { path: '/' });
      delete request.cookies[ENROLL_COOKIE];
      await renderEnroll(request, reply, { accountId, action, required, status: 400, error: t.enrollExpired });
    }
    return false;
  }

  const { requireOperator, currentOperator } = createOperatorGate(deps);

  const plugin: FastifyPluginAsync = async (app) => {
    zodRoutes(app);
    // The site's front door is sign-in; /signin itself sends a signed-in visitor on to their landing page.
    app.get('/', { schema: { summary: 'The front door: a redirect to /signin', querystring: langQuery } }, async (_request, reply) =>
      reply.redirect('/signin'),
    );
    app.get(
      '/signin',
      page('Sign-in page (HTML)', z.looseObject({ lang: langParam, signedout: z.string().optional() })),
      async (request, reply) => {
        const lang = request.lang;
        const found = await sessionAccount(request, 'full');
        if (found) return reply.redirect(landing(found.account, lang), 303);
        const notice = (request.query as Query).signedout ? strings(lang).signedOut : undefined;
        return sendPage(reply, 200, signinPage({ lang, csrf: csrf.field(request, reply), notice, sso: deps.ssoLink }));
      },
    );

    app.post(
      '/signin',
      formRoute(
        'Sign in with email and password; 303 to the code, enrolment or landing page, else the page again (400/401/403/429)',
        z.looseObject({ email: z.string().optional(), password: z.string().optional(), _csrf: csrfField }),
      ),
      async (request, reply) => {
        const lang = request.lang;
        const t = strings(lang);
        const { email = '', password = '' } = form(request);
        const again = (status: number, error: string) =>
          sendPage(reply, status, signinPage({ lang, csrf: csrf.field(request, reply), error, email, sso: deps.ssoLink }));
        if (!csrf.verify(request)) return again(403, t.badForm);
        // Nothing to check: say what is missing (in the page's language) without spending an attempt.
        if (email.trim() === '' || password === '') return again(400, t.missingCredentials);
        const result = await identity.attemptPassword({ email, password, clientAddress: request.ip });
        if (!result.ok) {
          if (result.reason === 'rate_limited') return again(429, t.tooManyAttempts);
          if (result.reason === 'privileged_without_mfa') return again(403, t.privilegedNeedsMfa);
          return again(401, t.badCredentials);
        }
        const account = result.value;
        // A fresh session on every sign-in: a token planted before sign-in is never upgraded, and the
        // browser's previous session (perhaps another account's) ends rather than lingering unseen.
        const previous = request.cookies[SESSION_COOKIE];
        if (previous) await identity.sessions.end(previous);
        const session = await identity.sessions.create(account.id, 'password', deps.clock.now(), request.headers['user-agent']);
        setSessionCookie(reply, session);
        return nextStep(request, reply, session.token, account, lang);
      },
    );

    app.get('/signin/mfa', page('The authenticator-code page (HTML)'), async (request, reply) => {
      const lang = request.lang;
      const found = await sessionAccount(request, 'password');
      if (!found || !found.account.mfaEnabled) return reply.redirect(`/signin?lang=${lang}`, 303);
      return sendPage(reply, 200, mfaPage({ lang, csrf: csrf.field(request, reply) }));
    });

    app.post(
      '/signin/mfa',
      formRoute('Second step: the TOTP code; 303 to the landing page, else the page again (400/401/403/429)', codeForm),
      async (request, reply) => {
        const lang = request.lang;
        const t = strings(lang);
        const again = (status: number, error: string) =>
          sendPage(reply, status, mfaPage({ lang, csrf: csrf.field(request, reply), error }));
        if (!csrf.verify(request)) return again(403, t.badForm);
        const found = await sessionAccount(request, 'password');
        if (!found || !found.account.mfaEnabled) return reply.redirect(`/signin?lang=${lang}`, 303);
        const code = form(request).code ?? '';
        // Not six digits (spaces allowed, as apps show them): not a guess, so no attempt is spent.
        if (!/^\d{6}$/.test(code.replace(/\s/g, ''))) return again(400, t.malformedCode);
        const knownDevice = knownDeviceOf(request, found.account.id);
        const result = await identity.attemptTotp({ accountId: found.account.id, code, clientAddress: request.ip, knownDevice });
        if (!result.ok) return result.reason === 'rate_limited' ? again(429, t.tooManyAttempts) : again(401, t.badCode);
        return completeSignin(request, reply, request.cookies[SESSION_COOKIE] ?? '', found.account, lang);
      },
    );

    app.get('/signin/enroll', page('Required MFA enrolment: the QR code page (HTML)'), async (request, reply) => {
      const found = await sessionAccount(request, 'password');
      if (!found || !found.account.mfaEnrollRequired) return reply.redirect(`/signin?lang=${request.lang}`, 303);
      return renderEnroll(request, reply, { accountId: found.account.id, action: '/signin/enroll', required: true, status: 200 });
    });

    app.post('/signin/enroll', formRoute('Confirms the required enrolment with a first code', codeForm), async (request, reply) => {
      const lang = request.lang;
      const found = await sessionAccount(request, 'password');
      if (!found || !found.account.mfaEnrollRequired) return reply.redirect(`/signin?lang=${lang}`, 303);
      if (!csrf.verify(request)) {
        return renderEnroll(request, reply, {
          accountId: found.account.id,
          action: '/signin/enroll',
          required: true,
          status: 403,
          error: strings(lang).badForm,
        });
      }
      if (!(await confirmEnroll(request, reply, found.account.id, '/signin/enroll', true))) return reply;
      return completeSignin(request, reply, request.cookies[SESSION_COOKIE] ?? '', found.account, lang);
    });

    app.get(
      '/account',
      page('The signed-in account page (HTML)', z.looseObject({ lang: langParam, enrolled: z.string().optional() })),
      async (request, reply) => {
        const lang = request.lang;
        const found = await sessionAccount(request, 'full');
        if (!found) return reply.redirect(`/signin?lang=${lang}`, 303);
        const notice = (request.query as Query).enrolled ? strings(lang).enrolled : undefined;
        return sendPage(reply, 200, accountPage({ lang, account: found.account, csrf: csrf.field(request, reply), notice }));
      },
    );

    app.get('/account/mfa', page('Enrol an authenticator app (HTML)'), async (request, reply) => {
      const found = await sessionAccount(request, 'full');
      if (!found) return reply.redirect(`/signin?lang=${request.lang}`, 303);
      return renderEnroll(request, reply, { accountId: found.account.id, action: '/account/mfa', required: false, status: 200 });
    });

    app.post('/account/mfa', formRoute('Confirms a new authenticator with a first code', codeForm), async (request, reply) => {
      const lang = request.lang;
      const found = await sessionAccount(request, 'full');
      if (!found) return reply.redirect(`/signin?lang=${lang}`, 303);
      if (!csrf.verify(request)) {
        return renderEnroll(request, reply, {
          accountId: found.account.id,
          action: '/account/mfa',
          required: false,
          status: 403,
          error: strings(lang).badForm,
        });
      }
      if (!(await confirmEnroll(request, reply, found.account.id, '/account/mfa', false))) return reply;
      return reply.redirect(`/account?lang=${lang}&enrolled=1`, 303);
    });

    app.get('/signout', page('Asks "Sign out?" with a form that signs out'), async (request, reply) =>
      sendPage(reply, 200, signoutPage({ lang: request.lang, csrf: csrf.field(request, reply) })),
    );

    app.post('/signout', formRoute('Ends the session; 303 to /signin', z.looseObject({ _csrf: csrfField })), async (request, reply) => {
      const lang = request.lang;
      // Not a dead end: the person confirms on a page whose form carries a valid field.
      if (!csrf.verify(request)) return sendPage(reply, 403, signoutPage({ lang, csrf: csrf.field(request, reply) }));
      const token = request.cookies[SESSION_COOKIE];
      if (token) await identity.sessions.end(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      await deps.onSignOut?.(request, reply);
      return reply.redirect(`/signin?lang=${lang}&signedout=1`, 303);
    });
  };

  return { plugin, readSession, requireOperator, knownDeviceOf, currentOperator, csrf };
}

/** The plugin alone, for composition roots that need nothing else from identity. */
export function identityPlugin(deps: IdentityWebDeps): FastifyPluginAsync {
  return createIdentityWeb(deps).plugin;
}
