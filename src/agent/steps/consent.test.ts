import { describe, expect, it } from 'vitest';
import { createStepHarness } from '../testing/step-harness';
import { createConsentStep } from './consent';

describe('consent step', () => {
  it.each(['ja', 'en'] as const)('%s: states the reason, then asks to record', async (lang) => {
    const step = createConsentStep();
    const h = createStepHarness(step, { context: { lang } });
    await step.enter(h.ctx);
    expect(h.said()[0]).toMatch(/MFA/);
    expect(h.said()[0]).toMatch(lang === 'ja' ? /録音.*よろしいでしょうか/ : /recorded.*all right/);
  });

  it('yes keeps recording and goes to the email step', async () => {
    const step = createConsentStep();
    const h = createStepHarness(step);
    await step.onUtterance('大丈夫です～～', h.ctx);
    expect(h.log.some((e) => e.kind === 'recording')).toBe(false);
    expect(h.gotos()).toEqual(['email']);
    expect(h.port.events).toContainEqual({ kind: 'recording_consent', data: { granted: true } });
  });

  it.each([
    ['ja', '録音はしないでください'],
    ['en', "No, I'd rather you didn't"],
  ] as const)('%s: declining stops the recording and the call continues', async (lang, answer) => {
    const step = createConsentStep();
    const h = createStepHarness(step, { context: { lang } });
    await step.onUtterance(answer, h.ctx);
    expect(h.log).toContainEqual({ kind: 'recording', change: 'stop' });
    expect(h.state.recording).toBe('stopped');
    expect(h.gotos()).toEqual(['email']);
    expect(h.ended()).toBeNull();
  });

  it('an unclear answer changes nothing', async () => {
    const step = createConsentStep();
    const h = createStepHarness(step);
    expect(await step.onUtterance('うーん', h.ctx)).toBe('no_content');
    expect(h.gotos()).toEqual([]);
  });

  it.each(['ja', 'en'] as const)('%s: refused on the request form, states only the reason and goes on without asking', async (lang) => {
    const step = createConsentStep();
    const h = createStepHarness(step, { context: { lang, recordingRefused: true } });
    await step.enter(h.ctx);
    expect(h.said()).toHaveLength(1);
    expect(h.said()[0]).toMatch(/MFA/);
    expect(h.said()[0]).not.toMatch(/録音|record/i);
    expect(h.log).not.toContainEqual({ kind: 'listen' });
    expect(h.gotos()).toEqual(['email']);
  });
});
