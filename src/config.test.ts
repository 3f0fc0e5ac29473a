import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('AIZUCHI_POLICY', () => {
  it('defaults to standard and accepts mailbox, for deployments without telephony', () => {
    expect(loadConfig({}).policy).toBe('standard');
    expect(loadConfig({ AIZUCHI_POLICY: 'mailbox' }).policy).toBe('mailbox');
    expect(loadConfig({ AIZUCHI_POLICY: 'strict' }).policy).toBe('strict');
  });

  it('an unknown preset stops the boot naming the variable and all three presets', () => {
    expect(() => loadConfig({ AIZUCHI_POLICY: 'lenient' })).toThrow(ConfigError);
    expect(() => loadConfig({ AIZUCHI_POLICY: 'lenient' })).toThrow('invalid AIZUCHI_POLICY: expected one of standard, strict, mailbox');
  });
});
