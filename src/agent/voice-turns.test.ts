import { describe, expect, it } from 'vitest';
import { createHarness, spoken } from './testing/call-harness';

const played = (h: ReturnType<typeof createHarness>) => h.agent.handle({ type: 'prompt_played' });

/** Issue 9: on an audio channel the no-input clock starts when the prompt has been heard, not when it was sent. */
describe('no-input clock from the end of playout', () => {
  it('starts when the channel reports the prompt played, even if that came sooner than the estimate', async () => {
    const h = createHarness();
    await h.start();
    await h.silence(2_000);
    await played(h);
    expect(await h.silence(6_999)).toEqual([]);
    expect(spoken(await h.silence(2))[0]).toBe('もしもし、お聞こえでしょうか。');
  });

  it('does not count silence while a prompt is still playing past its estimate, then counts from its end', async () => {
    const h = createHarness();
    await h.start();
    await played(h);
    await h.say('はい'); // right party: the purpose and the recording question follow
    expect(h.agent.snapshot().step).toBe('consent');
    // The estimate plus the timeout run out while the (slow) audio still plays: no reprompt yet.
    expect(spoken(await h.silence(120_000))).toEqual([]);
    await played(h);
    expect(await h.silence(6_999)).toEqual([]);
    expect(spoken(await h.silence(2))[0]).toBe('もしもし、お聞こえでしょうか。');
  });

  it('a channel known to report playout: a greeting that outlasts its estimate is not followed by a reprompt', async () => {
    // Under load the synthesizer starts late and the greeting (about 160 characters, a 32 s estimate) ends after
    // the estimate plus the no-input time: the agent must wait for the report, not say "もしもし" right after it.
    const h = createHarness({ playoutReported: true });
    await h.start();
    expect(spoken(await h.silence(120_000))).toEqual([]);
    await played(h);
    expect(await h.silence(6_999)).toEqual([]);
    expect(spoken(await h.silence(2))[0]).toBe('もしもし、お聞こえでしょうか。');
  });

  it('a channel not known to report playout trusts the estimate for its first prompt (text calls, the greeting)', async () => {
    const h = createHarness();
    await h.start();
    expect(spoken(await h.silence(60_000))[0]).toBe('もしもし、お聞こえでしょうか。');
  });

  it('a text channel that never reports playout keeps the estimate', async () => {
    const h = createHarness();
    await h.start();
    expect(await h.silence(7_000)).toEqual([]);
    expect(spoken(await h.silence(60_000))[0]).toBe('もしもし、お聞こえでしょうか。');
  });
});

describe('leftover digits when the agent asks again', () => {
  it('a partial code entry is dropped when the agent asks for the code again after silence', async () => {
    const h = createHarness();
    await h.start();
    await h.say('はい');
    await h.say('はい');
    await h.say('エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム');
    await h.settle();
    expect(h.agent.snapshot().step).toBe('code');
    await h.key('999');
    const reasked = spoken(await h.silence(120_000)).join('');
    expect(reasked).toMatch(/8桁/);
    await h.key('12675693');
    expect(h.port.calls.filter((c) => c.method === 'checkCode').map((c) => c.args[0])).toEqual(['12675693']);
    expect(h.outcome()).toBe('mfa_reset');
  });
});
