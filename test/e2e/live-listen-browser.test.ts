import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitFor } from './support/softphone-page';
import {
  OPERATOR,
  customerInCall,
  customerTone,
  deskStats,
  expectBothWays,
  joined,
  openDesk,
  pageLog,
  enrolDeskPeople,
  useVoiceDeskRig,
  waitForOffer,
  tapSocket,
  tones,
} from './support/voice-desk-rig';

/**
 * Issue 10's done-when for Listen and Take over on /console/live, in real Chromium with the default
 * wiring: the customer is in a voice call with the agent on the browser softphone; an operator
 * signed in with password + TOTP has /console/live open (ja and en tabs) and is available on
 * /console/softphone. Listen: the live page's socket carries the customer's keypad tone (checked
 * by frequency on the frames Chromium received) and the case has call_listen_started. Take over:
 * the agent says its hand-over line, the operator's softphone is offered the call, accepts, and
 * each side hears the other's tone; the case has call_taken_over and the escalation is claimed for
 * this operator. Screenshots (ja and en) land in test-artifacts/live-listen/.
 */

const SHOTS = path.resolve('test-artifacts/live-listen');

const deskRig = useVoiceDeskRig(SHOTS);

type ListenStats = { framesReceived: number; controls: string[] };
const listenStats = (page: Page): Promise<ListenStats> =>
  page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { aizuchiListen: ListenStats }).aizuchiListen)) as ListenStats);

const listenStatus = (page: Page) => page.locator('[data-testid=listen-status]').first();

describe('listen in and take over from /console/live in Chromium', () => {
  it('hears the caller, takes the call over onto the console softphone, and both hear each other', { timeout: 300_000 }, async () => {
    const rig = deskRig();
    const { services, server, customer, operator } = rig;

    // The operator: signed in, /console/live open in ja and en (each tab's listen socket tapped), available on the softphone.
    const op = await enrolDeskPeople(rig);
    const liveJa = operator.page;
    const jaTap = tapSocket(liveJa);
    const jaLog = pageLog(liveJa);
    await liveJa.goto(`${server.url}/console/live?lang=ja`);
    const liveEn = await operator.context.newPage();
    const enLog = pageLog(liveEn);
    await liveEn.goto(`${server.url}/console/live?lang=en`);
    const seat = await openDesk(rig);
    const { desk } = seat;

    const call = await customerInCall(rig);
    const { caseId, phone } = call;
    for (const live of [liveJa, liveEn]) await live.waitForSelector('[data-testid=listen]', { timeout: 20_000 });

    // 1. Listen: the page plays the call; the customer's keypad tone is in what its socket carried.
    await liveJa.click('[data-testid=listen]');
    await waitFor(
      'the live page to be listening',
      async () => (await listenStatus(liveJa).getAttribute('data-state')) === 'listening',
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await listenStatus(liveJa).textContent()} ${jaLog.join(' | ')}`);
    });
    expect(await listenStatus(liveJa).textContent()).toBe('モニター中');
    const listenFrom = jaTap.received.length;
    await customerTone(phone, 2000);
    const heard = await waitFor('the customer tone at the listener', async () => {
      const t = tones(joined(jaTap.received.slice(listenFrom).slice(-50)));
      return t.customer > 1000 ? t : null;
    });
    expect(heard.customer, JSON.stringify(heard)).toBeGreaterThan(5 * heard.operator);
    const stats = await listenStats(liveJa);
    expect(stats.framesReceived).toBeGreaterThan(50);
    expect(stats.controls).toContain('listening');
    await liveJa.screenshot({ path: path.join(SHOTS, 'listening-ja.png'), fullPage: true });
    const started = (await services.cases.history(caseId)).filter((e) => e.kind === 'call_listen_started');
    expect(started.map((e) => JSON.parse(e.data) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ callId: expect.any(String), operatorId: op.id }),
    ]);

    // The en tab listens too (its own listener), for its screenshot.
    await liveEn.click('[data-testid=listen]');
    await waitFor('the en page to be listening', async () => (await listenStatus(liveEn).getAttribute('data-state')) === 'listening');
    expect(await listenStatus(liveEn).textContent()).toBe('Listening');
    await liveEn.screenshot({ path: path.join(SHOTS, 'listening-en.png'), fullPage: true });

    // 2. Take over (from the en tab; its card came over SSE, as the page loaded before the call): the answer is the live view saying so; the agent says its hand-over line.
    const captionsBefore = await phone.locator('#sp-captions .sp-agent').count();
    await Promise.all([liveEn.waitForNavigation(), liveEn.click('[data-testid=take-over]')]);
    const notice = await liveEn.getAttribute('[data-testid=live-notice]', 'data-notice', { timeout: 5000 }).catch(async () => {
      throw new Error(`no notice at ${liveEn.url()}: ${await liveEn.textContent('body')} ${enLog.join(' | ')}`);
    });
    expect(notice).toBe('taken_over');
    await liveEn.screenshot({ path: path.join(SHOTS, 'taken-over-en.png'), fullPage: true });
    await waitForOffer(rig, seat, caseId);
    expect(await phone.locator('#sp-captions .sp-agent').count()).toBeGreaterThan(captionsBefore);
    expect(await phone.locator('#sp-captions').textContent()).toContain('担当者におつなぎします');
    expect(await desk.textContent('#op-offer-title')).toContain(caseId.slice(0, 8));
    // The offer says why: the operator's own choice, not the caller's request.
    expect(await desk.textContent('#op-reason')).toBe('An operator took the call over');
    // The ja listener was told the line went to a person.
    await waitFor('the ja listener to end', async () => (await listenStatus(liveJa).getAttribute('data-state')) === 'ended');
    expect(await listenStatus(liveJa).textContent()).toBe('モニター終了');
    await desk.click('#op-accept');
    await desk.waitForSelector('#op-phone[data-state="on_call"]', { state: 'attached' });

    await expectBothWays(call, seat);
    expect((await deskStats(desk)).controls).toEqual(expect.arrayContaining(['available', 'transfer_offer', 'transfer_connected']));
    await desk.screenshot({ path: path.join(SHOTS, 'on-call-en.png'), fullPage: true });
    await customer.screenshot('on-call-ja');
    // The live view says who has the call now.
    await liveJa.reload();
    expect(await liveJa.textContent('[data-testid=live-step]')).toBe(`担当者対応中: ${OPERATOR.name}`);
    expect(await liveJa.locator('[data-testid=take-over]').count()).toBe(0);
    await liveJa.screenshot({ path: path.join(SHOTS, 'with-person-ja.png'), fullPage: true });

    const history = await services.cases.history(caseId);
    const data = (kind: string) => JSON.parse(history.find((e) => e.kind === kind)!.data) as Record<string, unknown>;
    expect(data('call_taken_over')).toMatchObject({ callId: data('call_listen_started').callId, operatorId: op.id });
    expect(data('transfer_connected')).toMatchObject({ operatorId: op.id });
    expect(data('escalation_claimed')).toMatchObject({ operatorId: op.id, by: 'transfer' });
    expect(await services.cases.get(caseId)).toMatchObject({ state: 'escalated', outcome: 'escalated: operator_takeover' });

    await desk.click('#op-hangup');
    await waitFor('transfer_ended in the case', async () =>
      (await services.cases.history(caseId)).some((e) => e.kind === 'transfer_ended'),
    );
  });
});
