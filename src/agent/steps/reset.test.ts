import { describe, expect, it } from 'vitest';
import { createStepHarness } from '../testing/step-harness';
import { createCloseStep } from './close';
import { createResetStep } from './reset';

describe('reset step', () => {
  it('asks the policy through the port and closes on reset', async () => {
    const step = createResetStep();
    const h = createStepHarness(step, { state: { codeVerified: true } });
    await step.enter(h.ctx);
    expect(h.port.countOf('resetMfa')).toBe(1);
    expect(h.gotos()).toEqual(['close']);
  });

  it('needs_person from the policy: escalates, no reset claimed', async () => {
    const step = createResetStep();
    const h = createStepHarness(step, { state: { codeVerified: true }, port: { resetResult: 'needs_person' } });
    await step.enter(h.ctx);
    expect(h.ended()?.outcome).toBe('escalated');
    expect(h.said().join('')).not.toMatch(/解除いたしました/);
  });

  it('cooling_off (strict): explains the wait and how a normal sign-in cancels it', async () => {
    const step = createResetStep();
    const h = createStepHarness(step, { context: { lang: 'en' }, state: { codeVerified: true }, port: { resetResult: 'cooling_off' } });
    await step.enter(h.ctx);
    expect(h.ended()).toEqual({ outcome: 'mfa_reset', options: { detail: 'cooling_off', hangup: true } });
    expect(h.said()[0]).toMatch(/waiting period/);
  });

  it('a risk flag raised on the call sends the case to a person instead of resetting', async () => {
    const step = createResetStep();
    const h = createStepHarness(step, { state: { codeVerified: true, riskFlags: new Set(['contact_change_request']) } });
    await step.enter(h.ctx);
    expect(h.port.countOf('resetMfa')).toBe(0);
    expect(h.ended()?.outcome).toBe('escalated');
  });
});

describe('close step', () => {
  it.each(['ja', 'en'] as const)('%s: sign in with email + password, enrol a new device, agent name, goodbye', async (lang) => {
    const step = createCloseStep();
    const h = createStepHarness(step, { context: { lang, agentName: 'Sato' } });
    await step.enter(h.ctx);
    const text = h.said()[0] ?? '';
    expect(text).toMatch(lang === 'ja' ? /メールアドレスと.*パスワード/ : /email address and the password/);
    expect(text).toMatch(lang === 'ja' ? /新しい認証デバイス/ : /new authentication device/);
    expect(text).toContain('Sato');
    expect(h.ended()).toEqual({ outcome: 'mfa_reset', options: { hangup: true } });
  });
});
