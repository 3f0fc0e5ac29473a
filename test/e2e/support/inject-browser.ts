import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { totpFor } from './totp';

/** A cookie-keeping client over app.inject: enough of a browser for form posts with CSRF tokens. */
export class InjectBrowser {
  private readonly cookies = new Map<string, string>();

  /** `userAgent`: the User-Agent header every request sends (light-my-request's own when omitted). */
  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress = '127.0.0.1',
    private readonly userAgent?: string,
  ) {}

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as Array<{ name: string; value: string; expires?: Date }>) {
      if (c.value === '' || (c.expires && c.expires.getTime() < 1000)) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { cookie: this.cookieHeader(), ...(this.userAgent ? { 'user-agent': this.userAgent } : {}), ...extra };
  }

  /** `headers`: extra request headers (e.g. `accept: application/json`, as a program asking for JSON sends). */
  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, remoteAddress: this.remoteAddress, headers: this.headers(headers) }));
  }

  /** Posts the fields as a form; an array is a repeated field (ticked checkboxes sharing a name). */
  async post(
    url: string,
    fields: Record<string, string | readonly string[]>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of typeof v === 'string' ? [v] : v) body.append(k, one);
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded', ...headers }),
        payload: body.toString(),
      }),
    );
  }

  /** Loads the page with the form, then posts the fields with the form's CSRF token. */
  async submit(
    pageUrl: string,
    actionUrl: string,
    fields: Record<string, string | readonly string[]>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${pageUrl} (status ${page.statusCode})`);
    return this.post(actionUrl, { ...fields, _csrf: token }, headers);
  }

  /** Signs in with a password (for accounts without MFA) and follows nothing. */
  signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    return this.submit('/signin?lang=en', '/signin?lang=en', { email, password });
  }

  /** Carries a session made in the test (e.g. identity.sessions.create), as a browser keeps its cookie. */
  useSession(token: string): void {
    this.cookies.set('aizuchi_session', token);
  }

  /** Carries any other cookie made in the test (e.g. an SSO session's `aizuchi_sso_session`). */
  useCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /**
   * Signs in with the password, then the authenticator code for `at` (the server's clock) from the
   * account's otpauth:// URI: how operators sign in, since they cannot without MFA.
   */
  async signInWithTotp(email: string, password: string, otpauthUri: string, at: Date): Promise<LightMyRequestResponse> {
    const first = await this.signIn(email, password);
    if (!String(first.headers.location ?? '').startsWith('/signin/mfa')) return first;
    return this.submit('/signin/mfa?lang=en', '/signin/mfa?lang=en', { code: totpFor(otpauthUri, at) });
  }
}
