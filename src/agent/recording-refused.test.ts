import { describe, expect, it } from 'vitest';
import { createHarness, STORY_CONTEXT_EN, STORY_CONTEXT_JA, spoken } from './testing/call-harness';

/** Issue 9: the request form's "don't record" stands for the whole call. */
describe('recording refused on the request form', () => {
  it.each([
    [
      'ja',
      STORY_CONTEXT_JA,
      'はい',
      /録音いたしません/,
      /録音しております|録音させていただいて/,
      'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム',
    ],
    ['en', STORY_CONTEXT_EN, 'Yes, speaking.', /is not recorded/, /is recorded|May I record/, 'm a t t y at gmail dot com'],
  ] as const)(
    '%s: never claims the call is recorded, never asks, records nothing, and the call still resets MFA',
    async (_lang, context, yes, notRecorded, claimsOrAsks, email) => {
      const h = createHarness({ context: { ...context, recordingRefused: true } });
      const greeting = spoken(await h.start());
      expect(greeting[0]).toMatch(notRecorded);
      expect(greeting[0]).not.toMatch(claimsOrAsks);

      // Confirmed in person: the reason, then straight to the email question, no recording question.
      const afterYes = spoken(await h.say(yes)).join(' ');
      expect(afterYes).toMatch(/MFA/);
      expect(afterYes).not.toMatch(claimsOrAsks);
      expect(h.agent.snapshot().step).toBe('email');

      await h.say(email);
      await h.settle();
      await h.key('12675693#');
      const all = spoken(h.actions).join(' ');
      expect(all).not.toMatch(claimsOrAsks);
      expect(h.actions.some((a) => a.type === 'pause_recording' || a.type === 'resume_recording' || a.type === 'stop_recording')).toBe(
        false,
      );
      expect(h.agent.snapshot().recording).toBe('stopped');
      expect(h.outcome()).toBe('mfa_reset');
    },
  );
});
