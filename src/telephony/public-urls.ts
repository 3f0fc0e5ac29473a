/** The media-stream endpoint carriers connect to (issue 8 interface), under the public URL. */
export const MEDIA_STREAM_PATH = '/telephony/media-stream';

/**
 * `wss://…/telephony/media-stream` for AIZUCHI_PUBLIC_URL `https://…` (and `ws://` for a plain-HTTP
 * development URL), keeping a path prefix the public URL may have (`https://example.com/aizuchi`
 * → `wss://example.com/aizuchi/telephony/media-stream`). Twilio accepts only `wss://` on 443 in
 * production and no query string (TELEPHONY.md §1.3), so nothing call-specific goes in it; the
 * same URL serves Telnyx's `stream_url`.
 */
export function mediaStreamUrl(publicUrl: string): string {
  const base = new URL(publicUrl);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  base.pathname = `${base.pathname.replace(/\/+$/u, '')}${MEDIA_STREAM_PATH}`;
  base.search = '';
  base.hash = '';
  return base.toString();
}
