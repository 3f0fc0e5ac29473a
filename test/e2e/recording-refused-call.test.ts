import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Customer, type TestServer, TextCaller, callNow, customerWithRequest, prompts, startTestServer } from './text-call-harness';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
});

afterAll(async () => {
  await t?.stop();
});

/** Issue 9: "don't record" on the request form reaches the agent of the call it schedules. */
describe('recording refused on the request form', () => {
  it.each([
    ['ja', 'はい、本人です', /録音いたしません/, /録音しております|録音させていただいて/],
    ['en', 'Yes, speaking.', /is not recorded/, /is recorded|May I record/],
  ] as const)(
    '%s: the greeting says the call is not recorded and the recording question is never asked',
    async (lang, yes, notRecorded, claimsOrAsks) => {
      const c: Customer = {
        email: `no.recording.${lang}@example.com`,
        password: 'correct-horse-battery',
        name: '猪股',
        phone: lang === 'ja' ? '090-1234-5691' : '090-1234-5692',
        lang,
      };
      const { caseId } = await customerWithRequest(t, c, { withPassword: true, recordingConsent: false });
      const call = await TextCaller.connect(await callNow(t, caseId));
      const greeting = prompts(await call.turn())[0];
      expect(greeting).toMatch(notRecorded);
      expect(greeting).not.toMatch(claimsOrAsks);
      const afterYes = await call.say(yes);
      expect(prompts(afterYes).join(' ')).toMatch(/MFA/);
      expect(prompts(afterYes).join(' ')).not.toMatch(claimsOrAsks);
      expect(afterYes.at(-1)).toEqual({ type: 'listening', expecting: 'email' });
    },
  );
});
