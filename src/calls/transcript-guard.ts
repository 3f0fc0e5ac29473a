/**
 * A second line of defence for caller lines before they are stored. The agent already drops codes,
 * spelled addresses and digit runs; it cannot know a password, so a caller who reads one out in a
 * free turn would otherwise leave it in the transcript. Anything shaped like a secret — one
 * unbroken ASCII token of 8+ characters mixing letters with digits or symbols — is removed.
 */
const SECRET_LIKE = /[\x21-\x7e]{8,}/g;
export const SECRET_PLACEHOLDER = '[possible secret redacted]';

export function guardCallerLine(text: string): string {
  return text.replace(SECRET_LIKE, (token) => (/[a-z]/i.test(token) && /[0-9#@$%^&*!_+=?~|\\/]/.test(token) ? SECRET_PLACEHOLDER : token));
}
