type Form = Record<string, string | readonly string[]>;

function encodeForm(form: Form): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const v of typeof value === 'string' ? [value] : value) params.append(name, v);
  return params.toString();
}

/**
 * A cookie-keeping HTTP client over fetch that follows redirects itself, across origins: enough of a
 * browser for an OpenID Connect round trip (aizuchi → the provider's login page → back). Cookies are
 * kept per origin; paths and expiry are not modelled (every test uses a fresh client).
 */
export class HttpBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(url: URL): Map<string, string> {
    let jar = this.jars.get(url.origin);
    if (!jar) this.jars.set(url.origin, (jar = new Map()));
    return jar;
  }

  /** One request, no redirect following; keeps the cookies it sets. A form field given a list is sent once per value (checkboxes). */
  async request(url: string | URL, init: { method?: string; form?: Form } = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.jar(target);
    const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? encodeForm(init.form) : undefined,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (value === '' || expired) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects (at most 10) from `url`; returns the last response and the URL it came from. */
  async follow(url: string | URL, init: { form?: Form } = {}): Promise<{ res: Response; url: URL; body: string }> {
    let current = new URL(url);
    let res = await this.request(current, init);
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 10; hops++) {
      await res.arrayBuffer();
      current = new URL(res.headers.get('location')!, current);
      res = await this.request(current);
    }
    return { res, url: current, body: await res.text() };
  }
}
