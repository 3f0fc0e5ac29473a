/**
 * A User-Agent header as a person names their browser on /console/sessions: "Chrome on Windows",
 * "Safari on iPhone", "Firefox on Linux"; null when there is none. Only the common browsers and
 * systems are told apart, by their documented tokens (MDN "User-Agent", "Browser detection using
 * the user agent"): order matters, since Edge and Opera also say Chrome and Chrome also says Safari.
 * Anything else keeps its first product token ("curl", "node").
 */
export function browserLabel(userAgent: string | null | undefined): { browser: string; system: string | null } | null {
  if (!userAgent) return null;
  const ua = userAgent;
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /HeadlessChrome\//.test(ua)
        ? 'Chrome (headless)'
        : /(Chrome|CriOS)\//.test(ua)
          ? 'Chrome'
          : /(Firefox|FxiOS)\//.test(ua)
            ? 'Firefox'
            : /Safari\//.test(ua) && /Version\//.test(ua)
              ? 'Safari'
              : (/^([A-Za-z][\w.-]*)/.exec(ua)?.[1] ?? 'unknown');
  const system = /iPhone/.test(ua)
    ? 'iPhone'
    : /iPad/.test(ua)
      ? 'iPad'
      : /Android/.test(ua)
        ? 'Android'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Mac OS X|Macintosh/.test(ua)
            ? 'macOS'
            : /CrOS/.test(ua)
              ? 'ChromeOS'
              : /Linux/.test(ua)
                ? 'Linux'
                : null;
  return { browser, system };
}
