import { describe, expect, it } from 'vitest';
import { html } from '../../../html/safe-html';
import type { Lang } from '../../../domain/lang';
import { escalationQueuePage } from './escalations-pages';
import { liveCallsPage } from './live-page';
import type { LiveCallView } from '../../../calls/live/live-calls';
import type { QueueEntry } from '../../../cases/escalations/escalation-queue';
import type { CaseRow } from '../../../cases/case-service';
import { caseListPage } from './case-list-page';
import { consoleNav } from './console-pages';

/** The links in the page's header <nav>, as their paths (the language switch links to the page itself). */
function navPaths(page: string): string[] {
  const nav = /<nav>([\s\S]*?)<\/nav>/.exec(page)?.[1] ?? '';
  return [...new Set([...nav.matchAll(/href="([^"?]+)/g)].map((m) => m[1]!))];
}

const ALL = [
  '/console',
  '/console/escalations',
  '/console/live',
  '/console/softphone',
  '/console/charts',
  '/console/settings',
  '/console/sessions',
  '/dev/mail',
];
const mask = { email: (e: string) => e, phone: (p: string) => p };

// A new user on /console/live or /console/escalations found only a way back to the case list, and the
// case list had no way to the escalation queue at all: every console page now carries the same nav.
describe('the console nav', () => {
  it.each(['ja', 'en'] as Lang[])('links every console page and signs out (%s)', (lang) => {
    const nav = consoleNav(html`<input type="hidden" name="_csrf" value="t">`, lang).toString();
    expect(navPaths(`<nav>${nav}</nav>`)).toEqual(ALL);
    expect(nav).toContain('action="/signout"');
    expect(nav).toContain('name="_csrf"');
    expect(nav).toContain(`/console/escalations?lang=${lang}`);
  });

  it('is the same on the escalation queue (with the sign-out CSRF field) and on live calls', () => {
    const queue = escalationQueuePage([], {
      lang: 'en',
      timeZone: 'Asia/Tokyo',
      mask,
      me: 'op-1',
      csrfField: html`<input type="hidden" name="_csrf" value="tok">`,
    });
    expect(navPaths(queue)).toEqual(ALL);
    expect(/<nav>[\s\S]*name="_csrf" value="tok"[\s\S]*<\/nav>/.test(queue)).toBe(true);
    const live = liveCallsPage([], { lang: 'ja', timeZone: 'Asia/Tokyo', eventsPath: '/console/live/events' });
    expect(navPaths(live)).toEqual(ALL);
    expect(live).toContain('エスカレーション');
  });
});

// Fresh-user walk: a Japanese operator on the case list, the escalation queue or the live view opened
// a case and got it in English (the links dropped ?lang, and the page fell back to the account's).
describe('links between console pages keep the page language', () => {
  it.each(['ja', 'en'] as Lang[])('case list, escalation queue and live view (%s)', (lang) => {
    const row = { id: 'case-1', state: 'scheduled', created_at: '2026-12-01T13:00:00.000Z', updated_at: '2026-12-01T13:00:00.000Z' };
    const list = caseListPage({
      result: { rows: [row as unknown as CaseRow], total: 1, page: 1, pageSize: 50, pages: 1 },
      reasons: new Map(),
      query: {},
      mask,
      timeZone: 'Asia/Tokyo',
      refreshSeconds: 30,
      lang,
    });
    expect(list).toContain(`href="/console/cases/case-1?lang=${lang}"`);

    const entry = { escalation: { id: 'esc-1', reason: 'caller_request', opened_at: row.created_at, claimed_by: null }, caseRow: row };
    const queue = escalationQueuePage([entry as unknown as QueueEntry], { lang, timeZone: 'Asia/Tokyo', mask, me: 'op-1' });
    expect(queue).toContain(`href="/console/escalations/esc-1?lang=${lang}"`);

    const call = {
      callId: 'call-1',
      caseId: 'case-1',
      customer: 'm***',
      lang,
      channel: 'softphone',
      step: 'email',
      startedAt: row.created_at,
      lines: [],
    };
    const live = liveCallsPage([call as unknown as LiveCallView], { lang, timeZone: 'Asia/Tokyo', eventsPath: '/console/live/events' });
    expect(live).toContain(`href="/console/cases/case-1?lang=${lang}"`);
    // Calls that start after the page loaded get their card from the script, with the same link.
    expect(live).toContain(`'/console/cases/' + encodeURIComponent(c.caseId) + '?lang=' + cfg.lang`);
  });
});
