import fs from 'node:fs';
import path from 'node:path';
import { DEMO_ACCOUNTS, type DemoSeedResult } from './seed';

/** Where the demo's passwords and authenticator URIs are kept: in the data dir, readable by its owner only. */
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';

/**
 * Writes the demo accounts' passwords and otpauth:// URIs to `<dataDir>/demo-credentials.txt` with
 * mode 0600 (issue 7, finding 7: the banner prints secrets only with an explicit flag). URIs are known
 * only when the accounts are created, so a later start keeps the file it finds. Returns its path.
 */
export function writeDemoCredentials(dataDir: string, seeded: DemoSeedResult): string {
  const file = path.join(dataDir, DEMO_CREDENTIALS_FILE);
  const { customer, operator } = DEMO_ACCOUNTS;
  if (seeded.created.length === 0 && fs.existsSync(file)) {
    fs.chmodSync(file, 0o600);
    return file;
  }
  const text = [
    '# aizuchi demo accounts (AIZUCHI_DEMO=true). Secret: do not share; delete with the data dir.',
    `customer  ${customer.email}`,
    `  password:          ${customer.password}`,
    `  authenticator URI: ${seeded.customerOtpauthUri ?? '(created earlier; not known any more)'}`,
    `operator  ${operator.email}`,
    `  password:          ${operator.password}`,
    `  authenticator URI: ${seeded.operatorOtpauthUri ?? '(created earlier; not known any more)'}`,
    '',
  ].join('\n');
  // Created 0600 (never world-readable, whatever the umask), then tightened in case it already existed.
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}

/** The banner's demo lines: account names and where the secrets are; the secrets only when `show`. */
export function demoBannerLines(file: string, show: boolean): string[] {
  const lines = [
    'demo accounts:',
    `  customer ${DEMO_ACCOUNTS.customer.email} (MFA on; use "Can't use your MFA device?")`,
    `  operator ${DEMO_ACCOUNTS.operator.email} (MFA on)`,
    `  passwords and authenticator URIs: ${file} (owner-only; --show-demo-secrets prints them)`,
  ];
  if (show)
    lines.push(
      ...fs
        .readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  return lines;
}
