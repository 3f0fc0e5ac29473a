/**
 * Keys sent as SIP INFO, a widespread convention without a standard body (RFC 6086 is only the INFO
 * framework; TELEPHONY.md §4.5): `application/dtmf-relay` carries `Signal=5\r\nDuration=160`,
 * `application/dtmf` carries the bare key. Returns the keys, or '' when the body holds none.
 */
export function dtmfFromInfo(contentType: string | undefined, body: Buffer): string {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = body.toString('utf8').slice(0, 256);
  let raw: string | undefined;
  if (type === 'application/dtmf-relay') raw = /^\s*signal\s*=\s*(\S+)\s*$/im.exec(text)?.[1];
  else if (type === 'application/dtmf') raw = text.trim();
  if (raw === undefined) return '';
  // Some senders use the RFC 4733 event code (10 = *, 11 = #) instead of the character.
  if (raw === '10') return '*';
  if (raw === '11') return '#';
  return /^[0-9*#A-Da-d]$/.test(raw) ? raw.toUpperCase() : '';
}
