import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EN_PROMPTS } from '../src/agent/prompts/en';
import { JA_PROMPTS } from '../src/agent/prompts/ja';

/**
 * One vocabulary per language across the pages, the mail and the agent (issue 13): 多要素認証（MFA）
 * and サインイン in Japanese, "multi-factor authentication (MFA)" and "sign in" in English.
 */
const CUSTOMER_TEXT_DIRS = ['src/web/pages', 'src/mail/templates', 'src/agent/prompts'];

function sourcesUnder(dir: string): Array<{ file: string; text: string }> {
  return (
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      .map((e) => path.join(e.parentPath, e.name))
      // What the code says to people, not its comments ("login CSRF" is a term of the trade).
      .map((file) => ({
        file,
        text: fs
          .readFileSync(file, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, ''),
      }))
  );
}

describe('customer-facing vocabulary', () => {
  const sources = CUSTOMER_TEXT_DIRS.flatMap(sourcesUnder);

  it.each([
    ['ログイン', /ログイン/],
    ['二段階 / 2段階', /[二2２]段階/],
    ['MFA（多要素認証） (the term comes first)', /MFA（多要素認証）/],
    ['two-step', /two-step|2-step/i],
    ['log in / login', /\blog ?in\b/i],
  ])('no file says %s', (_name, pattern) => {
    const offenders = sources.filter((s) => pattern.test(s.text)).map((s) => s.file);
    expect(offenders).toEqual([]);
  });

  it('the agent says 先日 only when the request was made on an earlier day', () => {
    const facts = { companyName: 'Example', agentName: 'アイ' };
    expect(JA_PROMPTS.purposeAndConsent({ ...facts, requestedEarlierDay: true })).toContain('先日ご依頼いただいた');
    const sameDay = JA_PROMPTS.purposeAndConsent({ ...facts, requestedEarlierDay: false });
    expect(sameDay).not.toContain('先日');
    expect(sameDay).toContain('先ほどご依頼いただいた');
    expect(JA_PROMPTS.purposeAndConsent(facts)).not.toContain('先日');
    expect(EN_PROMPTS.purposeAndConsent(facts)).toContain('multi-factor authentication, MFA');
  });
});
