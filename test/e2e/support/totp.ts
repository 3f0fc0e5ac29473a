import { totpCode } from '../../../src/identity/totp';

/** The base32 secret in an otpauth:// URI (as createAccount returns it for `mfa: true`). */
export function totpSecretOf(otpauthUri: string): string {
  const secret = new URL(otpauthUri).searchParams.get('secret');
  if (!secret) throw new Error('otpauth URI without a secret');
  return secret;
}

/** The authenticator's code for `otpauthUri` at `at` (the server's clock, which tests may move). */
export function totpFor(otpauthUri: string, at: Date): string {
  return totpCode(totpSecretOf(otpauthUri), at);
}
