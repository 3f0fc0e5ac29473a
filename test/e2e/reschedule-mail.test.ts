import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMailTime } from '../../src/mail/templates';
import { type Customer, type TestServer, callNow, customerWithRequest, startTestServer, waitForMail } from './text-call-harness';

// Issue 13: a declined or unanswered softphone ring is retried (+AIZUCHI_CALLBACK_RETRY_DELAY_MIN),
// and the customer is now mailed the new time, saying which of the two happened.
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00', AIZUCHI_JAPANESE_HOLIDAYS: 'false' });
});

afterAll(async () => {
  await t?.stop();
});

/** A placed call nobody took, ended the way the softphone line ends it. */
async function ringUnanswered(c: Customer, how: 'declined' | 'no_answer') {
  const { caseId } = await customerWithRequest(t, c, { withPassword: true });
  await callNow(t, caseId);
  const [placed] = await t.services.calls.callsForCase(caseId);
  const result = await t.services.softphone!.calls.endUnanswered(placed!.call.id, caseId, how);
  const row = await t.services.cases.require(caseId);
  return { caseId, result, row };
}

describe('the automatic reschedule after an unanswered ring', () => {
  it('ja: a declined ring mails the new time, says it was declined, and the line learns the time', async () => {
    const c: Customer = {
      email: 'decline.ja@example.com',
      password: 'correct-horse-battery',
      name: '小林',
      phone: '090-1234-5631',
      lang: 'ja',
    };
    const { caseId, result, row } = await ringUnanswered(c, 'declined');
    expect(row.state).toBe('scheduled');
    expect(result.nextCallAt).toBe(row.scheduled_at);
    const mail = await waitForMail(t, c.email, (m) => /お電話の日時を変更しました/.test(m.subject));
    expect(mail.text).toContain('着信を拒否されたため');
    expect(mail.text).toContain(formatMailTime(new Date(row.scheduled_at!), 'Asia/Tokyo', 'ja'));
    expect(mail.text).toMatch(/\/recover\/cancel\?token=/);
    const history = (await t.services.cases.history(caseId)).map((e) => e.kind);
    expect(history).toContain('notification_queued');
  });

  it('en: a ring nobody answered mails the new time as not reached, not declined', async () => {
    const c: Customer = {
      email: 'noanswer.en@example.com',
      password: 'correct-horse-battery',
      name: 'Kim',
      phone: '090-1234-5632',
      lang: 'en',
    };
    const { row } = await ringUnanswered(c, 'no_answer');
    const mail = await waitForMail(t, c.email, (m) => /rescheduled/.test(m.subject));
    expect(mail.text).toContain("We couldn't reach you");
    expect(mail.text).not.toContain('declined');
    expect(mail.text).toContain(formatMailTime(new Date(row.scheduled_at!), 'Asia/Tokyo', 'en'));
  });
});
