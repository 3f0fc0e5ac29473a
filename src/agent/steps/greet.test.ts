import { describe, expect, it } from 'vitest';
import { createStepHarness } from '../testing/step-harness';
import { createGreetStep } from './greet';

const unconfirmed = { rightPartyConfirmed: false };

describe('greet step', () => {
  it.each(['ja', 'en'] as const)('%s: first turn discloses company, AI agent, recording and why, how to reach a person', async (lang) => {
    const step = createGreetStep();
    const h = createStepHarness(step, {
      context: { lang, companyName: 'Acme', agentName: 'Sato', customerName: 'Inomata' },
      state: unconfirmed,
    });
    await step.enter(h.ctx);
    const [greeting] = h.said();
    expect(greeting).toContain('Acme');
    expect(greeting).toContain('Sato');
    // No name before the callee confirms who they are: the family name is shared by the household.
    expect(greeting).not.toContain('Inomata');
    expect(greeting).toMatch(/in person|ご本人様/);
    if (lang === 'ja') {
      expect(greeting).toMatch(/AIエージェント/);
      expect(greeting).toMatch(/録音/);
      expect(greeting).toMatch(/サービス品質/);
      expect(greeting).toMatch(/担当者/);
    } else {
      expect(greeting).toMatch(/automated AI agent/);
      expect(greeting).toMatch(/recorded to improve/);
      expect(greeting).toMatch(/speak with a person/);
    }
    // Nothing about the account or the reason before the right person is confirmed.
    expect(greeting).not.toMatch(/MFA|多要素|認証|メール|email|password|パスワード|code|番号/i);
  });

  it('a yes confirms the right party and moves to consent', async () => {
    const h = createStepHarness(createGreetStep(), { state: unconfirmed });
    const result = await createGreetStep().onUtterance('あ、そうです～～猪股です。', h.ctx);
    expect(result).toBe('handled');
    expect(h.state.rightPartyConfirmed).toBe(true);
    expect(h.gotos()).toEqual(['consent']);
  });

  it('the callee saying their own name counts as a yes', async () => {
    const h = createStepHarness(createGreetStep(), { state: unconfirmed });
    await createGreetStep().onUtterance('猪股です', h.ctx);
    expect(h.gotos()).toEqual(['consent']);
  });

  it.each([
    ['ja', 'いいえ、違います'],
    ['en', "No, that's not me"],
  ] as const)('%s: a no ends as wrong_person with nothing more said', async (lang, answer) => {
    const h = createStepHarness(createGreetStep(), { context: { lang }, state: unconfirmed });
    await createGreetStep().onUtterance(answer, h.ctx);
    expect(h.ended()?.outcome).toBe('wrong_person');
    expect(h.state.rightPartyConfirmed).toBe(false);
    expect(h.said().join(' ')).not.toMatch(/MFA|account|アカウント|メール/);
  });

  it('an unclear answer is no content for the engine to ask again', async () => {
    const h = createStepHarness(createGreetStep(), { state: unconfirmed });
    expect(await createGreetStep().onUtterance('えーっと', h.ctx)).toBe('no_content');
    expect(h.state.rightPartyConfirmed).toBe(false);
  });
});

describe('greet step: answering the phone is not an answer', () => {
  it.each(['はい、もしもし', 'もしもし？', 'Hello?'])('%s is not taken as a yes', async (text) => {
    const step = createGreetStep();
    const h = createStepHarness(step, { state: { rightPartyConfirmed: false } });
    expect(await step.onUtterance(text, h.ctx)).toBe('handled');
    expect(h.state.rightPartyConfirmed).toBe(false);
    expect(h.log).toContainEqual({ kind: 'ask', text: step.question(h.ctx) });
  });
});

describe('greet step: only a first-person answer confirms (issue 7, finding 6)', () => {
  it.each([
    ['ja', 'はい、家内です'],
    ['ja', 'はい、秘書の者です。どうぞ'],
    ['en', 'This is his wife speaking'],
    ['en', "Alex's assistant here, go ahead"],
    ['en', 'Yes, she is here, go ahead'],
  ] as const)('%s: %s ends as wrong_person, flagged third_party', async (lang, text) => {
    const step = createGreetStep();
    const h = createStepHarness(step, { context: { lang }, state: unconfirmed });
    expect(await step.onUtterance(text, h.ctx)).toBe('handled');
    expect(h.state.rightPartyConfirmed).toBe(false);
    expect(h.ended()).toMatchObject({ outcome: 'wrong_person', options: { detail: 'third_party' } });
    expect(h.state.riskFlags.has('third_party')).toBe(true);
    expect(h.said().join(' ')).toMatch(/directly|直接/);
  });

  it.each([
    ['ja', 'どうぞ'],
    ['ja', 'お願いします'],
    ['en', 'go ahead'],
    ['en', 'okay'],
  ] as const)('%s: permission without identity (%s) is asked again', async (lang, text) => {
    const step = createGreetStep();
    const h = createStepHarness(step, { context: { lang }, state: unconfirmed });
    expect(await step.onUtterance(text, h.ctx)).toBe('no_content');
    expect(h.state.rightPartyConfirmed).toBe(false);
  });
});
