import { describe, expect, it } from 'vitest';
import { createStepHarness } from '../testing/step-harness';
import { createEmailStep, EMAIL_TRANSCRIPT_PLACEHOLDER } from './email';

describe('email step', () => {
  it('says only aizuchi while the address is incomplete, then verifies it (story)', async () => {
    const step = createEmailStep();
    const h = createStepHarness(step);
    await step.enter(h.ctx);
    expect(h.said()[0]).toMatch(/一文字ずつ/);
    await step.onUtterance('えーっと、エム、エー、ティ、ティ、ワイ', h.ctx);
    expect(h.log.at(-1)).toEqual({ kind: 'backchannel' });
    expect(h.said()).toHaveLength(1);
    await step.onUtterance('アットマーク、ジーメールドットコムです', h.ctx);
    // Whole: it waits out the settle window for a correction before the check.
    expect(h.log.at(-1)).toEqual({ kind: 'settle' });
    expect(h.port.countOf('checkEmail')).toBe(0);
    await step.onSettled?.(h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkEmail')).toEqual([{ method: 'checkEmail', args: ['matty@gmail.com'] }]);
    expect(h.state.emailVerified).toBe(true);
    expect(h.gotos()).toEqual(['send_code']);
  });

  it('English: letters and a domain said as words', async () => {
    const step = createEmailStep();
    const h = createStepHarness(step, { context: { lang: 'en' } });
    await step.onUtterance('m a t t y', h.ctx);
    await step.onUtterance('at gmail dot com', h.ctx);
    await step.onSettled?.(h.ctx);
    expect(h.gotos()).toEqual(['send_code']);
  });

  it.each([
    ['en', ['m a t', 'you', 't y', 'at gmail dot com']],
    ['en', ['m a t', 'uh-huh', 't y', 'at gmail dot com']],
    ['ja', ['エム、エー、ティー', 'ご視聴ありがとうございました', 'ティー、ワイ', 'アットマーク', 'ジーメールドットコム']],
  ] as const)('%s: a content-free turn between letters is ignored, not read as a letter (issue 9)', async (lang, turns) => {
    const step = createEmailStep();
    const h = createStepHarness(step, { context: { lang } });
    for (const [i, turn] of turns.entries()) {
      const result = await step.onUtterance(turn, h.ctx);
      // The content-free turn (index 1) makes no progress: the step just keeps listening.
      if (i === 1) expect(result).toBe('handled');
    }
    await step.onSettled?.(h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkEmail')).toEqual([{ method: 'checkEmail', args: ['matty@gmail.com'] }]);
    expect(h.gotos()).toEqual(['send_code']);
  });

  it('a mismatch gets the same words as an unknown address, never the address on file, and is limited', async () => {
    const step = createEmailStep();
    const h = createStepHarness(step);
    await step.onUtterance('エム、エー、ティ、ティ、エー、アットマーク、ジーメールドットコム', h.ctx);
    await step.onSettled?.(h.ctx);
    await step.onUtterance('ティー、エー、アール、オー、アットマーク、ヤフードットシーオードットジェーピー', h.ctx);
    await step.onSettled?.(h.ctx);
    const [first, second] = h.said();
    expect(first).toBe(second);
    expect(h.said().join('')).not.toMatch(/matty|gmail|ジーメール/);
    await step.onUtterance('エックス、アットマーク、ジーメールドットコム', h.ctx);
    await step.onSettled?.(h.ctx);
    expect(h.ended()?.outcome).toBe('verification_failed');
    expect(h.port.countOf('checkEmail')).toBe(3);
  });

  it.each([
    // The address looked whole at "yahoo.co", but the caller was not finished.
    ['en', ['m i k e at yahoo dot co', 'dot jp'], 'mike@yahoo.co.jp'],
    ['ja', ['エム、アイ、ケー、イー、アットマーク、ヤフードットシーオー', 'ドットジェーピー'], 'mike@yahoo.co.jp'],
    // Its last letters corrected in the next turn.
    ['en', ['m i k e at gmail dot com', 'sorry, dot net'], 'mike@gmail.net'],
  ] as const)('%s: the turn after a whole address still counts, within the settle window: %j → %s', async (lang, turns, want) => {
    const step = createEmailStep();
    const h = createStepHarness(step, { context: { lang } });
    for (const turn of turns) await step.onUtterance(turn, h.ctx);
    expect(h.port.countOf('checkEmail')).toBe(0);
    await step.onSettled?.(h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkEmail')).toEqual([{ method: 'checkEmail', args: [want] }]);
  });

  it.each([
    ['ja', ['エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム', 'はい']],
    ['ja', ['エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム、以上です']],
    ['en', ['m a t t y at gmail dot com', "that's it"]],
    ['en', ['m a t t y at gmail dot com', 'yes']],
  ] as const)('%s: a yes or "that\'s it" after the whole address checks it at once: %j', async (lang, turns) => {
    const step = createEmailStep();
    const h = createStepHarness(step, { context: { lang } });
    for (const turn of turns) await step.onUtterance(turn, h.ctx);
    expect(h.port.calls.filter((c) => c.method === 'checkEmail')).toEqual([{ method: 'checkEmail', args: ['matty@gmail.com'] }]);
    expect(h.gotos()).toEqual(['send_code']);
  });

  it('an unknown company domain: asks to spell that part letter by letter, without echoing it', async () => {
    const step = createEmailStep();
    const h = createStepHarness(step);
    await step.onUtterance('エム、エー、ティ、ティ、ワイ、アットマーク、ふじさんしょうじドットコム', h.ctx);
    expect(step.question(h.ctx)).toBe(h.ctx.prompts.emailSpellDomain);
    expect(h.said().at(-1)).toBe(h.ctx.prompts.emailSpellDomain);
    expect(h.said().join('')).not.toMatch(/ふじさん|フジサン/);
  });

  it('"以上です" before the address is whole starts over instead of guessing', async () => {
    const step = createEmailStep();
    const h = createStepHarness(step);
    await step.onUtterance('エム、エー、ティ', h.ctx);
    await step.onUtterance('以上です', h.ctx);
    expect(h.said().at(-1)).toBe(h.ctx.prompts.emailStartOver);
    expect(h.port.countOf('checkEmail')).toBe(0);
  });

  it('silence mid-spelling gets a gentle "go on", not "are you there?"', async () => {
    const step = createEmailStep();
    const h = createStepHarness(step);
    expect(step.onNoInput?.(h.ctx)).toBe(false);
    await step.onUtterance('エム、エー', h.ctx);
    expect(step.onNoInput?.(h.ctx)).toBe(true);
    expect(h.said().at(-1)).toBe(h.ctx.prompts.emailGoOn);
  });

  it('spelled chunks never reach the transcript', () => {
    const step = createEmailStep();
    const h = createStepHarness(step);
    expect(step.transcriptOf?.('エム、エー、ティ', h.ctx)).toBe(EMAIL_TRANSCRIPT_PLACEHOLDER);
  });
});
