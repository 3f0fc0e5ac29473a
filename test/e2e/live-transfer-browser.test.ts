import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { softphoneStats, waitFor, waitForSoftphoneState } from './support/softphone-page';
import {
  customerInCall,
  deskStats,
  expectBothWays,
  openDesk,
  enrolDeskPeople,
  useVoiceDeskRig,
  waitForOffer,
} from './support/voice-desk-rig';

/**
 * Issue 10's done-when for live transfer, in real Chromium with the default wiring (voice engines,
 * built-in softphone): the customer on the browser softphone asks for a person during hours; an
 * operator signed in with password + TOTP watches /console/live (the transcript arrives over SSE)
 * and is available on /console/softphone in another browser; the warm offer shows the case, the
 * summary and the transcript; they accept and each side hears the other's tone. Audio is checked on
 * the frames each page's WebSocket really carried (Playwright's frame events), by frequency:
 * the customer's in-band keypad "1" (697 + 1209 Hz) one way, the operator's 440 Hz microphone the
 * other. Screenshots (ja and en) land in test-artifacts/live-transfer/.
 */

const SHOTS = path.resolve('test-artifacts/live-transfer');

const deskRig = useVoiceDeskRig(SHOTS);

describe('live transfer in Chromium: browser softphone → operator console softphone', () => {
  it('asks for a person, the operator sees the warm offer, accepts, and both hear each other', { timeout: 300_000 }, async () => {
    const rig = deskRig();
    const { services, server, customer, operator } = rig;

    // The operator: signed in, the live view open (ja and en), and available on the console softphone.
    const op = await enrolDeskPeople(rig);
    const liveJa = operator.page;
    await liveJa.goto(`${server.url}/console/live?lang=ja`);
    const liveEn = await operator.context.newPage();
    await liveEn.goto(`${server.url}/console/live?lang=en`);
    const seat = await openDesk(rig);
    const { desk } = seat;

    // The customer: the callback request, the mailed link, the page rings, answer, the greeting.
    const call = await customerInCall(rig);
    const { caseId, phone } = call;

    // /console/live got the greeting over SSE while the call ran (the page loaded before the call).
    for (const live of [liveJa, liveEn])
      await waitFor('the greeting on /console/live', async () =>
        ((await live.locator('[data-testid=live-lines]').first().textContent()) ?? '').includes('ご本人様でいらっしゃいますか'),
      );
    await liveJa.screenshot({ path: path.join(SHOTS, 'live-ja.png'), fullPage: true });
    await liveEn.screenshot({ path: path.join(SHOTS, 'live-en.png'), fullPage: true });

    // The customer asks for a person; the agent says it is putting them through.
    await phone.fill('#sp-text', '担当者と話したいです');
    await phone.click('#sp-text-form button[type=submit]');
    // The warm offer at the desk: the case, the summary, the transcript with the request.
    await waitForOffer(rig, seat, caseId);
    expect(await phone.locator('#sp-captions').textContent()).toContain('担当者におつなぎします');
    expect(await desk.textContent('#op-offer-title')).toContain(caseId.slice(0, 8));
    expect(await desk.textContent('#op-customer')).toContain('m***@gmail.com');
    expect(((await desk.textContent('#op-summary')) ?? '').trim()).not.toBe('');
    expect(await desk.textContent('#op-lines')).toContain('担当者と話したいです');
    await desk.screenshot({ path: path.join(SHOTS, 'offer-en.png'), fullPage: true });
    await desk.click('#op-accept');
    await desk.waitForSelector('#op-phone[data-state="on_call"]', { state: 'attached' });

    // Each side hears the other: the operator's 440 Hz at the customer, the customer's keypad "1" at the desk.
    await expectBothWays(call, seat);
    const stats = await deskStats(desk);
    expect(stats.framesReceived).toBeGreaterThan(100);
    expect(stats.framesSent).toBeGreaterThan(100);
    expect(stats.controls).toEqual(expect.arrayContaining(['available', 'transfer_offer', 'transfer_connected']));
    // The customer page did take the operator's frames (bursty, as the browser sends them).
    expect((await softphoneStats(phone)).framesReceived).toBeGreaterThan(100);
    await desk.screenshot({ path: path.join(SHOTS, 'on-call-en.png'), fullPage: true });
    await customer.screenshot('on-call-ja');

    // The operator hangs up; the customer's call ends; the case says who took it.
    await desk.click('#op-hangup');
    await waitForSoftphoneState(phone, 'ended', 30_000);
    await customer.screenshot('ended-ja');
    await waitFor('transfer_ended in the case', async () =>
      (await services.cases.history(caseId)).some((e) => e.kind === 'transfer_ended'),
    );
    const history = await services.cases.history(caseId);
    const data = (kind: string) => JSON.parse(history.find((e) => e.kind === kind)!.data) as Record<string, unknown>;
    expect(data('transfer_connected')).toMatchObject({ operatorId: op.id });
    expect(data('escalation_claimed')).toMatchObject({ operatorId: op.id, by: 'transfer' });
    expect(await services.cases.get(caseId)).toMatchObject({ state: 'escalated' });

    // The desk in Japanese, after the call.
    await desk.goto(`${server.url}/console/softphone?lang=ja`);
    await desk.screenshot({ path: path.join(SHOTS, 'desk-ja.png'), fullPage: true });
  });
});
