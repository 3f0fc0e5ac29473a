import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { enrolDeskPeople, pageLog, useVoiceDeskRig } from './support/voice-desk-rig';

/**
 * The console softphone says why the server closed its socket in the operator's language, with the
 * close code and reason word for support (issue 10 follow-up): before, the page fell back to "Not
 * taking calls" and the reason ('session_ended') existed only in English on the wire. Here a
 * Japanese desk is replaced by a second tab, then the operator's sign-in is ended under the English
 * one. Screenshots in test-artifacts/console-softphone-close/.
 */
const SHOTS = path.resolve('test-artifacts/console-softphone-close');
const deskRig = useVoiceDeskRig(SHOTS);

describe('the console softphone names why it stopped taking calls', () => {
  it('a second tab (ja) and a sign-in ended elsewhere (en): each desk says why, with the close code', { timeout: 180_000 }, async () => {
    const rig = deskRig();
    await enrolDeskPeople(rig);
    const logs: string[] = [];
    const desk = async (lang: 'ja' | 'en') => {
      const page = await rig.operator.context.newPage();
      logs.push(...pageLog(page));
      await page.goto(`${rig.server.url}/console/softphone?lang=${lang}`);
      await page.click('#op-available');
      await page.waitForSelector('#op-phone[data-state="available"]', { state: 'attached', timeout: 15_000 });
      return page;
    };
    const closedFor = (page: Page, reason: string) =>
      page.waitForSelector(`#op-phone[data-close-reason="${reason}"]`, { state: 'attached', timeout: 30_000 }).catch(async (err: Error) => {
        const seen = await page.evaluate(() => JSON.stringify({ ...document.getElementById('op-phone')!.dataset }));
        throw new Error(`${err.message}: ${seen} ${logs.join(' | ')}`);
      });
    // One seat per operator: going available in a second tab closes the first ('replaced').
    const ja = await desk('ja');
    const en = await desk('en');
    await closedFor(ja, 'replaced');
    expect(await ja.textContent('#op-status')).toBe('別のタブかブラウザーで受付を始めたため、ここでは止めました。 (コード 1000 replaced)');
    // Signed out (as /console/sessions or an admin would): the desk's session re-check ends its socket.
    const token = (await rig.operator.context.cookies()).find((c) => c.name === 'aizuchi_session')!.value;
    await rig.services.identity.sessions.end(token);
    await closedFor(en, 'session_ended');
    expect(await en.textContent('#op-status')).toBe(
      'Your sign-in ended, so taking calls stopped. Please sign in again. (code 1000 session_ended)',
    );
    for (const [name, page] of [
      ['replaced-ja', ja],
      ['session-ended-en', en],
    ] as const) {
      expect(await page.getAttribute('#op-phone', 'data-state')).toBe('offline');
      expect(await page.isVisible('#op-available')).toBe(true);
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    }
    expect(
      fs
        .readdirSync(SHOTS)
        .filter((f) => f.endsWith('.png'))
        .sort(),
    ).toEqual(['replaced-ja.png', 'session-ended-en.png']);
  });
});
