import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoBannerLines, writeDemoCredentials } from './credentials';
import { DEMO_ACCOUNTS } from './seed';

const URI_C = 'otpauth://totp/aizuchi:matty%40gmail.com?secret=CUSTOMERSECRETAAAA&issuer=aizuchi';
const URI_O = 'otpauth://totp/aizuchi:operator%40aizuchi.localhost?secret=OPERATORSECRETBBBB&issuer=aizuchi';

describe('demo credentials (issue 7, finding 7)', () => {
  let dir = '';
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('go to an owner-only file in the data dir; the banner names its path and prints no secret', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-demo-'));
    const file = writeDemoCredentials(dir, { created: ['a', 'b'], customerOtpauthUri: URI_C, operatorOtpauthUri: URI_O });
    expect(file).toBe(path.join(dir, 'demo-credentials.txt'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    for (const secret of [DEMO_ACCOUNTS.customer.password, DEMO_ACCOUNTS.operator.password, URI_C, URI_O]) expect(text).toContain(secret);
    const banner = demoBannerLines(file, false).join('\n');
    expect(banner).toContain(file);
    expect(banner).toContain(DEMO_ACCOUNTS.operator.email);
    for (const secret of [DEMO_ACCOUNTS.customer.password, DEMO_ACCOUNTS.operator.password, 'secret=', 'otpauth://'])
      expect(banner).not.toContain(secret);
  });

  it('are printed only when asked, and a later start keeps the file with the URIs it can no longer know', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-demo-'));
    const file = writeDemoCredentials(dir, { created: ['a', 'b'], customerOtpauthUri: URI_C, operatorOtpauthUri: URI_O });
    fs.chmodSync(file, 0o644);
    expect(writeDemoCredentials(dir, { created: [] })).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const shown = demoBannerLines(file, true).join('\n');
    for (const secret of [DEMO_ACCOUNTS.customer.password, DEMO_ACCOUNTS.operator.password, URI_C, URI_O]) expect(shown).toContain(secret);
  });
});
