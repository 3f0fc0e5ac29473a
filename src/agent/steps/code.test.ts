import { describe, expect, it } from 'vitest';
import { createStepHarness } from '../testing/step-harness';
import { CODE_TRANSCRIPT_PLACEHOLDER, createCodeStep } from './code';
import { createSendCodeStep } from './send-code';

const verified = { emailVerified: true };

async function codeStep(options: Parameters<typeof createStepHarness>[1] = {}) {
  const step = createCodeStep();
  const h = createStepHarness(step, { state: verified, ...options });
  // The fake port only accepts a code after one was sent.
  await h.port.sendCode();
  await step.enter(h.ctx);
  return { step, h };
}

describe('send-code step', () => {
  it.each(['ja', 'en'] as const)('%s: says an 8-digit number was emailed and offers the keypad', async (lang) => {
    const step = createSendCodeStep();
    const h = createStepHarness(step, { context: { lang }, state: verified });
    await step.enter(h.ctx);
    expect(h.port.countOf('sendCode')).toBe(1);
    expect(h.said()[0]).toMatch(lang === 'ja' ? /8桁.*キーパッド/ : /8-digit.*keypad/);
    expect(h.gotos()).toEqual(['code']);
  });

  it('send limit reached: a person takes over', async () => {
    const step = createSendCodeStep();
    const h = createStepHarness(step, { port: { maxSends: 0 } });
    await step.enter(h.ctx);
    expect(h.ended()).toEqual({ outcome: 'escalated', options: { detail: 'code_send_limit', hangup: true } });
  });
});

describe('code step', () => {
  it('pauses recording on entry and resumes it when moving on', async () => {
    const { step, h } = await codeStep();
    expect(h.log).toContainEqual({ kind: 'recording', change: 'pause' });
    step.exit?.(h.ctx, 'next');
    expect(h.log).toContainEqual({ kind: 'recording', change: 'resume' });
  });

  it('spoken in two chunks with aizuchi in between (story), then checked once', async () => {
    const { step, h } = await codeStep();
    await step.onUtterance('あー、はい。これか。えーっと、1,2,6,7', h.ctx);
    expect(h.log.at(-1)).toEqual({ kind: 'backchannel' });
    expect(h.port.countOf('checkCode')).toBe(0);
    await step.onUtterance('5,6,9,3です', h.ctx);
    // Whole: it waits out the settle window for a correction before the check.
    expect(h.log.at(-1)).toEqual({ kind: 'settle' });
    expect(h.port.countOf('checkCode')).toBe(0);
    await step.onSettled?.(h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkCode')).toEqual([{ method: 'checkCode', args: ['12675693'] }]);
    expect(h.state.codeVerified).toBe(true);
    expect(h.gotos()).toEqual(['reset']);
  });

  it('English digit words', async () => {
    const { step, h } = await codeStep({ context: { lang: 'en' } });
    await step.onUtterance('one two six seven', h.ctx);
    await step.onUtterance('five six nine three', h.ctx);
    await step.onSettled?.(h.ctx);
    expect(h.state.codeVerified).toBe(true);
  });

  it('mixed entry: 4 digits typed, then 4 keyed, is one 8-digit code checked once', async () => {
    const { step, h } = await codeStep();
    await step.onUtterance('1267', h.ctx);
    expect(h.port.countOf('checkCode')).toBe(0);
    await step.onDtmf?.('5693', h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkCode')).toEqual([{ method: 'checkCode', args: ['12675693'] }]);
    expect(h.state.codeVerified).toBe(true);
  });

  it('mixed entry the other way: 4 keyed, then 4 spoken (en), and * clears both', async () => {
    const { step, h } = await codeStep({ context: { lang: 'en' } });
    await step.onDtmf?.('9999', h.ctx);
    await step.onUtterance('one two', h.ctx);
    await step.onDtmf?.('*', h.ctx);
    await step.onDtmf?.('1267', h.ctx);
    await step.onUtterance('five six nine three', h.ctx);
    await step.onSettled?.(h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkCode')).toEqual([{ method: 'checkCode', args: ['12675693'] }]);
    expect(h.state.codeVerified).toBe(true);
  });

  it('a wrong mixed entry is said wrong, and none of its digits carry into the next try', async () => {
    const { step, h } = await codeStep();
    await step.onUtterance('1111', h.ctx);
    await step.onDtmf?.('2222', h.ctx);
    expect(h.said().at(-1)).toMatch(/違います|正しくありません|もう一度/);
    await step.onDtmf?.('12675693', h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkCode').map((c) => c.args[0])).toEqual(['11112222', '12675693']);
    expect(h.state.codeVerified).toBe(true);
  });

  it.each([
    // Issue 9's line: without the window, 36955772 was checked (an attempt spent) and いち began a new code.
    ['ja', ['さんろくきゅうご', 'ごななななに', '違います、いち'], '36955771'],
    ['en', ['one two three four', 'five six seven nine', 'sorry eight'], '12345678'],
    // A bare cue: the window waits for the replacement digit, however long the window.
    ['ja', ['いちにさんよん', 'ごろくななきゅう', '違います', 'はち'], '12345678'],
    ['en', ['one two three four five six seven nine', 'no wait', 'eight'], '12345678'],
  ] as const)('%s: a correction in the turn after the 8th digit replaces it before the check: %j → %s', async (lang, turns, want) => {
    const { step, h } = await codeStep({ context: { lang } });
    for (const turn of turns) {
      await step.onUtterance(turn, h.ctx);
      if (turn === '違います' || turn === 'no wait') await step.onSettled?.(h.ctx);
    }
    expect(h.port.countOf('checkCode')).toBe(0);
    await step.onSettled?.(h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkCode')).toEqual([{ method: 'checkCode', args: [want] }]);
  });

  it.each([
    ['ja', ['いちにろくなな', 'ごろくきゅうさん', 'はい']],
    ['ja', ['いちにろくなな', 'ごろくきゅうさん、以上です']],
    ['en', ['one two six seven', 'five six nine three', 'yes']],
    ['en', ['one two six seven', "five six nine three, that's it"]],
  ] as const)('%s: a yes or "that\'s it" confirms the whole code at once: %j', async (lang, turns) => {
    const { step, h } = await codeStep({ context: { lang } });
    for (const turn of turns) await step.onUtterance(turn, h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkCode')).toEqual([{ method: 'checkCode', args: ['12675693'] }]);
  });

  it('keypad # confirms a whole spoken code at once; keys after it start a keyed entry instead', async () => {
    const { step, h } = await codeStep();
    await step.onUtterance('いちにろくなな', h.ctx);
    await step.onUtterance('ごろくきゅうさん', h.ctx);
    await step.onDtmf?.('#', h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkCode')).toEqual([{ method: 'checkCode', args: ['12675693'] }]);
    const again = await codeStep();
    await again.step.onUtterance('いちにろくなな、ごろくきゅうに', again.h.ctx);
    await again.step.onDtmf?.('12675693', again.h.ctx);
    await again.step.onSettled?.(again.h.ctx);
    expect(again.h.port.calls.filter((c) => c.method === 'checkCode')).toEqual([{ method: 'checkCode', args: ['12675693'] }]);
  });

  it('keypad: 8 digits commit on their own; a trailing # is not a second entry', async () => {
    const { step, h } = await codeStep();
    await step.onDtmf?.('12675693#', h.ctx);
    expect(h.port.countOf('checkCode')).toBe(1);
    expect(h.state.codeVerified).toBe(true);
  });

  it('keypad: # with too few digits asks again without spending an attempt; * clears', async () => {
    const { step, h } = await codeStep();
    await step.onDtmf?.('1267#', h.ctx);
    expect(h.port.countOf('checkCode')).toBe(0);
    expect(h.said().at(-1)).toBe(h.ctx.prompts.codeWrongLength(8));
    await step.onDtmf?.('999*1267', h.ctx);
    await step.onDtmf?.('5693', h.ctx);
    expect(h.port.calls.find((c) => c.method === 'checkCode')?.args).toEqual(['12675693']);
  });

  it('wrong codes are retried up to the limit, then verification fails', async () => {
    const { step, h } = await codeStep();
    await step.onDtmf?.('11111111', h.ctx);
    expect(h.said().at(-1)).toBe(h.ctx.prompts.codeWrong(8));
    await step.onDtmf?.('22222222', h.ctx);
    await step.onDtmf?.('33333333', h.ctx);
    expect(h.port.countOf('checkCode')).toBe(3);
    expect(h.ended()?.outcome).toBe('verification_failed');
    expect(h.state.codeVerified).toBe(false);
  });

  it('a locked code goes to a person', async () => {
    const { step, h } = await codeStep({ port: { lockAfterWrong: 1 } });
    await step.onDtmf?.('11111111', h.ctx);
    expect(h.ended()).toEqual({ outcome: 'escalated', options: { detail: 'code_locked', hangup: true } });
  });

  it('an expired code is replaced by a new one', async () => {
    const { step, h } = await codeStep({ port: { expireAfterChecks: 0 } });
    await step.onDtmf?.('12675693', h.ctx);
    expect(h.port.countOf('sendCode')).toBe(2);
    expect(h.said().at(-1)).toBe(h.ctx.prompts.codeExpiredResent);
    await step.onDtmf?.('12675693', h.ctx);
    expect(h.state.codeVerified).toBe(true);
  });

  it('"I did not get the email" resends, within a limit', async () => {
    const { step, h } = await codeStep();
    expect(await step.onIntent?.('resend_code', h.ctx)).toBe(true);
    expect(await step.onIntent?.('resend_code', h.ctx)).toBe(true);
    expect(await step.onIntent?.('resend_code', h.ctx)).toBe(true);
    expect(h.port.countOf('sendCode')).toBe(3); // the initial send + 2 resends
    expect(h.said()).toContain(h.ctx.prompts.codeResendLimit);
  });

  it('strict keypad-only: spoken digits are refused and never checked', async () => {
    const { step, h } = await codeStep({ context: { keypadOnlyCodes: true, policy: 'strict' } });
    await step.onUtterance('1,2,6,7,5,6,9,3', h.ctx);
    expect(h.port.countOf('checkCode')).toBe(0);
    expect(h.said().at(-1)).toBe(h.ctx.prompts.codeKeypadOnly);
    await step.onDtmf?.('12675693#', h.ctx);
    expect(h.state.codeVerified).toBe(true);
  });

  it.each([
    // 4 + (5,0,6 | 5,6) + 3 = 10 or 9 digits: the length cannot decide, so the part is named by position.
    ['en', ['one two three four 5:06 seven eight nine'], 4, 'the digits after the fourth one'],
    ['ja', ['いちにさんよん', '5:06、なな、はち、きゅう'], 4, '4桁目より後の番号'],
  ] as const)(
    '%s: a formatted part the length cannot decide is asked about by where it was, without a check: %j',
    async (lang, turns, k, named) => {
      const { step, h } = await codeStep({ context: { lang } });
      for (const turn of turns) await step.onUtterance(turn, h.ctx);
      expect(h.port.countOf('checkCode')).toBe(0);
      expect(h.said().at(-1)).toBe(h.ctx.prompts.codeUnclearPart(k));
      expect(h.said().at(-1)).toContain(named);
      expect(h.said().join(' ')).not.toMatch(/5|06|five|six/i);
    },
  );

  it('en: the caller stops short with an unclear part ("one two 5:06 seven"): on silence the agent asks about it', async () => {
    const { step, h } = await codeStep({ context: { lang: 'en' } });
    await step.onUtterance('one two 5:06 seven', h.ctx);
    expect(step.onNoInput?.(h.ctx)).toBe(true);
    expect(h.said().at(-1)).toBe(h.ctx.prompts.codeUnclearPart(2));
    // Asked again: the next entry starts from scratch.
    await step.onUtterance('one two six seven five six nine three', h.ctx);
    await step.onSettled?.(h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkCode')).toEqual([{ method: 'checkCode', args: ['12675693'] }]);
  });

  it('too many spoken digits are rejected without a check', async () => {
    const { step, h } = await codeStep();
    await step.onUtterance('1 2 6 7 5 6 9 3 4', h.ctx);
    expect(h.port.countOf('checkCode')).toBe(0);
  });

  it('spoken turns are redacted whole in the transcript', async () => {
    const { step, h } = await codeStep();
    expect(step.transcriptOf?.('いち、に、ろく、なな', h.ctx)).toBe(CODE_TRANSCRIPT_PLACEHOLDER);
  });
});
