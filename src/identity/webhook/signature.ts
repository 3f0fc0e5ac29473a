import crypto from 'node:crypto';

/** Requests and answers further than this from the local clock are refused (SPEC.md "What the receiver must check"). */
export const WEBHOOK_WINDOW_SECONDS = 300;

/** `v1=` + lower-case hex HMAC-SHA256(secret, timestamp + "." + body), as SPEC.md defines the signature. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Whether a signed message is genuine and fresh: one of the header's comma-separated `v1=` values
 * matches (constant-time compare) and the timestamp (Unix seconds) is within the window of `now`.
 */
export function webhookSignatureValid(secret: string, timestamp: string | null, body: string, header: string | null, now: Date): boolean {
  if (!timestamp || !/^\d+$/.test(timestamp) || !header) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WEBHOOK_WINDOW_SECONDS) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  return header
    .split(',')
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && crypto.timingSafeEqual(given, expected));
}
