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

describe('AIZUCHI_PRONUNCIATIONS_*', () => {
  it('passes the lists and an absolute file path to the voice engines, and nothing when unset', () => {
    expect(loadConfig({}).speech.pronunciations).toEqual({});
    const speech = loadConfig({
      AIZUCHI_PRONUNCIATIONS_JA: 'aizuchi=あいづち,AWS=エーダブリューエス',
      AIZUCHI_PRONUNCIATIONS_EN: 'AWS=A W S',
      AIZUCHI_PRONUNCIATIONS_FILE: 'lexicon.json',
    }).speech;
    expect(speech.pronunciations).toMatchObject({ ja: 'aizuchi=あいづち,AWS=エーダブリューエス', en: 'AWS=A W S' });
    expect(speech.pronunciations.file).toMatch(/^\/.*lexicon\.json$/);
  });

  it('a list item without a reading stops the boot naming the variable', () => {
    expect(() => loadConfig({ AIZUCHI_PRONUNCIATIONS_JA: 'aizuchi=あいづち,AWS' })).toThrow(/AIZUCHI_PRONUNCIATIONS_JA/);
  });
});
