import { describe, expect, it } from 'vitest';
import { AgentError } from './errors';
import { createAgent } from './engine';
import { createFakeClock } from './testing/fake-clock';
import { createFakePort } from './testing/fake-port';
import { promptsFor } from './prompts';
import { createHarness, STORY_ACCOUNT, STORY_CONTEXT_EN, STORY_CONTEXT_JA, spoken } from './testing/call-harness';

async function atEmailStep(lang: 'ja' | 'en' = 'ja') {
  const h = createHarness({ context: lang === 'ja' ? STORY_CONTEXT_JA : STORY_CONTEXT_EN });
  await h.start();
  await h.say(lang === 'ja' ? 'はい' : 'yes');
  await h.say(lang === 'ja' ? 'はい' : 'yes');
  expect(h.agent.snapshot().step).toBe('email');
  return h;
}

async function atCodeStep(lang: 'ja' | 'en' = 'ja') {
  const h = await atEmailStep(lang);
  await h.say(lang === 'ja' ? 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム' : 'm a t t y at gmail dot com');
  await h.settle();
  expect(h.agent.snapshot().step).toBe('code');
  return h;
}

describe('global intents at any step', () => {
  it.each([
    ['ja', 'もう一度お願いします'],
    ['en', 'Sorry, can you repeat that?'],
  ] as const)('%s repeat: the last prompt again', async (lang, text) => {
    const h = await atEmailStep(lang);
    const before = spoken(h.actions).at(-1);
    expect(spoken(await h.say(text))).toEqual([before]);
  });

  it.each([
    ['ja', 'もう少しゆっくり話してください'],
    ['en', 'Slow down please'],
  ] as const)('%s slower: repeats at a slower rate, and later prompts keep it', async (lang, text) => {
    const h = await atEmailStep(lang);
    const slow = (await h.say(text)).find((a) => a.type === 'say');
    expect(slow).toMatchObject({ type: 'say', rate: 0.85 });
    await h.say(lang === 'ja' ? 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム' : 'm a t t y at gmail dot com');
    const later = (await h.settle()).find((a) => a.type === 'say');
    expect(later).toMatchObject({ rate: 0.85 });
  });

  it.each([
    ['ja', 'ちょっと待ってください、今メール開きます'],
    ['en', "Hold on, I'm opening my mail"],
  ] as const)('%s wait: waits like a person, checks back after a while, resumes on speech', async (lang, text) => {
    const h = await atCodeStep(lang);
    expect(spoken(await h.say(text))).toEqual([promptsFor(lang).waitAck]);
    expect(h.agent.snapshot().waiting).toBe(true);
    // Longer than the usual silence timeout: no "are you there?" yet.
    expect(spoken(await h.silence(15_000))).toEqual([]);
    const checkBack = spoken(await h.silence(30_000));
    expect(checkBack).toEqual([promptsFor(lang).waitCheckBack]);
    expect(h.agent.snapshot().ended).toBe(false);
    const reply = await h.say(lang === 'ja' ? 'いち、に、ろく、なな' : 'one two six seven');
    expect(reply.some((a) => a.type === 'backchannel')).toBe(true);
    expect(h.agent.snapshot().waiting).toBe(false);
  });

  it('wait gives up politely after several check-backs', async () => {
    const h = await atCodeStep();
    await h.say('ちょっと待ってください');
    for (let i = 0; i < 6; i++) await h.silence(60_000);
    expect(h.outcome()).toBe('abandoned');
  });

  it.each([
    ['ja', '今忙しいので後でかけ直してください'],
    ['en', "I'm busy right now, call me back later"],
  ] as const)('%s call me later: reschedules through the port, says when, ends', async (lang, text) => {
    const h = await atEmailStep(lang);
    const out = await h.say(text);
    expect(h.port.countOf('reschedule')).toBe(1);
    expect(out.find((a) => a.type === 'say')).toMatchObject({ sayAs: 'datetime' });
    expect(spoken(out)[0]).toMatch(lang === 'ja' ? /6月8日.*10:00|6月8日.*10時/ : /June 8.*10:00/);
    expect(out.slice(-2)).toEqual([{ type: 'end', outcome: 'callback_requested' }, { type: 'hangup' }]);
  });

  it.each([
    ['ja', '担当者と話したいです'],
    ['en', 'I want to talk to a person'],
  ] as const)('%s I want a person: escalates and leaves the line to the host', async (lang, text) => {
    const h = await atEmailStep(lang);
    const out = await h.say(text);
    expect(h.port.calls).toContainEqual({ method: 'escalate', args: ['caller_request'] });
    expect(out).toContainEqual({ type: 'escalate', reason: 'caller_request' });
    expect(out.at(-1)).toEqual({ type: 'end', outcome: 'escalated', detail: 'caller_request' });
  });

  it('an operator takes the call over: the same hand-over line, escalated as operator_takeover', async () => {
    const h = await atEmailStep('ja');
    const out = await h.agent.handle({ type: 'take_over' });
    expect(spoken(out)).toEqual([promptsFor('ja').handOver]);
    expect(h.port.calls).toContainEqual({ method: 'escalate', args: ['operator_takeover'] });
    expect(out).toContainEqual({ type: 'escalate', reason: 'operator_takeover' });
    expect(out.at(-1)).toEqual({ type: 'end', outcome: 'escalated', detail: 'operator_takeover' });
  });

  it.each([
    ['ja', 'あなたはAIですか？', /AIエージェント.*担当者/],
    ['en', 'Wait, are you a human?', /not a human.*automated AI agent.*person/],
  ] as const)('%s are you human: answers honestly, offers a person, asks the question again', async (lang, text, answer) => {
    const h = await atEmailStep(lang);
    const said = spoken(await h.say(text));
    expect(said[0]).toMatch(answer);
    // The step's question again: nothing has been spelled yet, so the email request.
    expect(said[1]).toBe(promptsFor(lang).askEmail);
    expect(h.agent.snapshot().ended).toBe(false);
  });

  it('asking whether it is a human works before the right party is confirmed too', async () => {
    const h = createHarness();
    await h.start();
    const said = spoken(await h.say('え、これ人間ですか？'));
    expect(said[0]).toMatch(/AIエージェント/);
    expect(said[1]).toMatch(/ご本人様でいらっしゃいますか/);
  });

  it.each([
    ['ja', 'キャンセルでお願いします'],
    ['en', 'Cancel it please'],
  ] as const)('%s cancel ends the call as cancelled', async (lang, text) => {
    const h = await atEmailStep(lang);
    await h.say(text);
    expect(h.outcome()).toBe('cancelled');
    expect(h.port.countOf('resetMfa')).toBe(0);
  });

  it('wrong person: says nothing more than an apology', async () => {
    const h = createHarness();
    await h.start();
    const out = await h.say('番号間違いですよ');
    expect(spoken(out)).toEqual(['大変失礼いたしました。失礼いたします。']);
    expect(h.outcome()).toBe('wrong_person');
  });

  it('"what is this about?" before confirmation: the reason is withheld', async () => {
    const h = createHarness({ context: STORY_CONTEXT_EN });
    await h.start();
    const said = spoken(await h.say("Who is this? What's this about?")).join(' ');
    expect(said).toMatch(/only discuss/);
    expect(said).not.toMatch(/MFA|authentication|email|code/i);
  });

  it('not available: reschedules without saying why', async () => {
    const h = createHarness();
    await h.start();
    const said = spoken(await h.say('ただいま不在にしております')).join('');
    expect(h.outcome()).toBe('callback_requested');
    expect(said).not.toMatch(/MFA|メール|番号/);
  });
});

describe('silence', () => {
  it('reprompts after the prompt has had time to play, then gives up as abandoned', async () => {
    const h = createHarness();
    await h.start();
    // The greeting is long; the first reprompt waits for it to be spoken plus the silence timeout.
    expect(await h.silence(7_000)).toEqual([]);
    const first = spoken(await h.silence(60_000));
    expect(first[0]).toBe('もしもし、お聞こえでしょうか。');
    expect(first[1]).toMatch(/ご本人様でいらっしゃいますか/);
    await h.silence(60_000);
    await h.silence(60_000);
    await h.silence(60_000);
    expect(h.outcome()).toBe('abandoned');
    expect(h.actions.at(-1)).toEqual({ type: 'hangup' });
  });

  it('a no_input event from the host is handled like the own timer', async () => {
    const h = createHarness({ tuning: { noInputMs: 0 } });
    await h.start();
    await h.silence(600_000);
    expect(spoken(h.actions)).toHaveLength(1);
    const out = await h.agent.handle({ type: 'no_input' });
    expect(spoken(out)[0]).toBe('もしもし、お聞こえでしょうか。');
  });

  it('speech (even interim) restarts the silence clock', async () => {
    const h = createHarness();
    await h.start();
    await h.silence(30_000);
    await h.agent.handle({ type: 'utterance', text: 'え', isFinal: false });
    expect(spoken(await h.silence(6_000))).toEqual([]);
  });
});

describe('engine rules', () => {
  it('unclear answers are asked again, then the call ends politely', async () => {
    const h = createHarness();
    await h.start();
    const again = spoken(await h.say('うーん'));
    expect(again).toEqual([
      '恐れ入ります、聞き取れませんでした。',
      'お電話をお受けの方は、エーダブリューエスをご利用の、ご本人様でいらっしゃいますか。',
    ]);
    await h.say('うーん');
    await h.say('うーん');
    await h.say('うーん');
    expect(h.outcome()).toBe('abandoned');
  });

  it('a low-confidence yes is not taken as consent', async () => {
    const h = createHarness();
    await h.start();
    await h.say('はい', 0.2);
    expect(h.agent.snapshot().rightPartyConfirmed).toBe(false);
  });

  it('the caller hanging up ends the call as abandoned, and later events are ignored', async () => {
    const h = await atCodeStep();
    const out = await h.hangup();
    expect(out).toEqual([{ type: 'end', outcome: 'abandoned' }]);
    expect(await h.say('12675693')).toEqual([]);
    expect(await h.settle()).toEqual([]);
    expect(h.port.countOf('checkCode')).toBe(0);
  });

  it('speech before start simply starts the call', async () => {
    const h = createHarness();
    const out = await h.say('もしもし');
    expect(spoken(out)[0]).toMatch(/AIエージェント/);
  });

  it('a port failure ends with an apology and a person, never silence', async () => {
    const h = createHarness({ port: { failOn: 'checkEmail' } });
    await h.start();
    await h.say('はい');
    await h.say('はい');
    await h.say('エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム');
    const out = await h.settle();
    expect(spoken(out)[0]).toMatch(/システムに問題/);
    expect(out).toContainEqual({ type: 'end', outcome: 'escalated', detail: 'system_error' });
  });

  it('bad events are rejected with a typed error, and the call goes on', async () => {
    const h = createHarness();
    await h.start();
    await expect(h.agent.handle({ type: 'dtmf', digits: 'x' })).rejects.toBeInstanceOf(AgentError);
    await expect(h.agent.handle({ type: 'bogus' } as never)).rejects.toThrow(/unknown event type/);
    expect(spoken(await h.say('はい'))[0]).toMatch(/MFA/);
  });

  it('a bad call context is refused up front', () => {
    const clock = createFakeClock();
    const port = createFakePort({ account: { ...STORY_ACCOUNT } });
    expect(() => createAgent({ context: { ...STORY_CONTEXT_JA, companyName: ' ' }, port, timers: clock })).toThrow(AgentError);
  });

  it('events are processed in order even when fed without awaiting', async () => {
    const h = createHarness();
    const all = await Promise.all([
      h.agent.handle({ type: 'start' }),
      h.agent.handle({ type: 'utterance', text: 'はい', isFinal: true }),
      h.agent.handle({ type: 'utterance', text: 'はい', isFinal: true }),
    ]);
    expect(all.map((batch) => spoken(batch).length > 0)).toEqual([true, true, true]);
    expect(h.agent.snapshot().step).toBe('email');
  });
});
