import { describe, expect, it } from 'vitest';
import { createHarness, STORY_CONTEXT_EN, spoken } from './testing/call-harness';

/** The call from the blog post, as aizuchi does it: same two facts asked, plus aizuchi and disclosures. */
describe('the story call', () => {
  it('ja: greeting → right party → consent → spelled email → 8-digit code in two chunks → reset → close', async () => {
    const h = createHarness();
    const greeting = spoken(await h.start());
    expect(greeting[0]).toMatch(/AIエージェント.*録音.*担当者.*ご本人様でいらっしゃいますか/);

    const afterYes = spoken(await h.say('あ、そうです～～猪股です。'));
    expect(afterYes[0]).toMatch(/MFA.*録音.*よろしいでしょうか/);

    const afterConsent = spoken(await h.say('大丈夫です～～'));
    expect(afterConsent.join('')).toMatch(/アルファベット一文字ずつ/);

    // Where the story's agent was silent, aizuchi says はい and does not take the turn.
    const chunk1 = await h.say('えーっと、エム、エー、ティ、ティ、ワイ');
    expect(chunk1.filter((a) => a.type === 'backchannel')).toHaveLength(1);
    expect(spoken(chunk1)).toEqual([]);

    // A whole address waits out the settle window (a correction could still come), then is checked.
    expect(spoken(await h.say('アットマーク、ジーメールドットコムです'))).toEqual([]);
    const afterEmail = await h.settle();
    expect(spoken(afterEmail).join('')).toMatch(/確認できました.*8桁の番号/);
    expect(afterEmail).toContainEqual({ type: 'pause_recording' });

    const code1 = await h.say('あー、はい。これか。えーっと、1,2,6,7');
    expect(code1.filter((a) => a.type === 'backchannel')).toHaveLength(1);
    expect(spoken(code1)).toEqual([]);

    expect(spoken(await h.say('5,6,9,3です'))).toEqual([]);
    expect(h.port.countOf('checkCode')).toBe(0);
    const done = await h.settle();
    expect(spoken(done).join('')).toMatch(/確認できました.*MFAを解除.*メールアドレスと.*パスワード.*新しい認証デバイス.*佐藤が担当/);
    expect(done).toContainEqual({ type: 'resume_recording' });
    expect(done.slice(-2)).toEqual([{ type: 'end', outcome: 'mfa_reset' }, { type: 'hangup' }]);

    expect(h.port.calls.filter((c) => c.method !== 'recordEvent').map((c) => c.method)).toEqual([
      'checkEmail',
      'sendCode',
      'checkCode',
      'resetMfa',
    ]);
    expect(h.port.resetSuccesses()).toBe(1);
  });

  it('en: the English twin of the same call', async () => {
    const h = createHarness({ context: STORY_CONTEXT_EN });
    expect(spoken(await h.start())[0]).toMatch(
      /automated AI agent.*recorded.*person.*Am I speaking, in person, with the Acme Cloud customer I'm calling for\?/,
    );
    expect(spoken(await h.say('Yes, speaking.'))[0]).toMatch(/MFA.*recorded/);
    expect(spoken(await h.say("Sure, that's fine.")).join(' ')).toMatch(/one letter at a time/);
    expect((await h.say('m, a, t, t, y')).some((a) => a.type === 'backchannel')).toBe(true);
    await h.say('at gmail dot com');
    expect(spoken(await h.settle()).join(' ')).toMatch(/an 8-digit number/);
    expect((await h.say('one two six seven')).some((a) => a.type === 'backchannel')).toBe(true);
    await h.say('five six nine three');
    const done = await h.settle();
    expect(spoken(done).join(' ')).toMatch(/removed MFA.*email address and the password.*new authentication device.*This was Sam/);
    expect(h.outcome()).toBe('mfa_reset');
  });

  it('the same call typed on the keypad, with recording declined', async () => {
    const h = createHarness();
    await h.start();
    await h.say('はい');
    const declined = await h.say('いいえ、録音はしないでください');
    expect(declined).toContainEqual({ type: 'stop_recording' });
    await h.say('エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム');
    await h.settle();
    // Recording is already stopped: nothing to pause or resume.
    const done = await h.key('12675693#');
    expect(h.actions.some((a) => a.type === 'pause_recording' || a.type === 'resume_recording')).toBe(false);
    expect(done.at(-2)).toEqual({ type: 'end', outcome: 'mfa_reset' });
  });
});
