import { describe, expect, it } from 'vitest';
import { html } from '../../../html/safe-html';
import type { Lang } from '../../../domain/lang';
import { escalationQueuePage } from './escalations-pages';
import { liveCallsPage } from './live-page';
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
