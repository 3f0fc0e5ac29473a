import { describe, expect, it } from 'vitest';
import { createHarness, STORY_ACCOUNT, STORY_CONTEXT_EN, spoken } from './testing/call-harness';
import { DEFAULT_TUNING } from './tuning';

/**
 * A caller keying the emailed code at a steady pace is not silent: each key starts the code step's
 * silence allowance (tuning.codeNoInputMs) again, as an interim result does for speech. Found in the
 * fresh-user walk: keys 2 s apart, started 5 s after the question, drew "Hello, are you still there?"
 * at the 6th key, the re-asked question cleared the digits, and the call ended abandoned.
 */
describe('keying the code slowly', () => {
  it.each(['ja', 'en'] as const)(
    '%s: 8 keys, each a little under the allowance apart, reach the reset with no prompt between',
    async (lang) => {
      const h = createHarness(lang === 'en' ? { context: STORY_CONTEXT_EN } : {});
      await h.start();
      await h.say(lang === 'ja' ? 'はい' : 'yes');
      await h.say(lang === 'ja' ? 'はい' : 'yes');
      await h.say(lang === 'ja' ? 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム' : 'm a t t y at gmail dot com');
      await h.settle();
      expect(h.agent.snapshot().step).toBe('code');
      // Well past the question's own allowance in all, never that long between two keys.
      const gap = DEFAULT_TUNING.codeNoInputMs - 1000;
      const digits = [...STORY_ACCOUNT.code];
      for (const [i, digit] of digits.entries()) {
        const quiet = await h.silence(gap);
        expect(spoken(quiet), `before key ${i + 1}`).toEqual([]);
        await h.key(digit);
      }
      expect(h.port.calls.filter((c) => c.method === 'checkCode').map((c) => c.args[0])).toEqual([STORY_ACCOUNT.code]);
      expect(h.outcome()).toBe('mfa_reset');
    },
  );

  it('a caller who stops keying halfway is asked again after the allowance, counted from the last key', async () => {
    const h = createHarness({ context: STORY_CONTEXT_EN });
    await h.start();
    await h.say('yes');
    await h.say('yes');
    await h.say('m a t t y at gmail dot com');
    await h.settle();
    await h.silence(DEFAULT_TUNING.codeNoInputMs - 1000);
    await h.key('1');
    await h.silence(DEFAULT_TUNING.codeNoInputMs - 1000);
    await h.key('2');
    expect(spoken(await h.silence(DEFAULT_TUNING.codeNoInputMs - 1000))).toEqual([]);
    expect(spoken(await h.silence(2000)).join(' ')).toMatch(/still there|8-digit/);
  });
});
