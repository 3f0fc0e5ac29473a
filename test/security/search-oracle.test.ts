import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleOperator, addOperator, openRecoveryCase } from '../e2e/support/console-people';
import { manualClock } from '../e2e/support/clocks';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * Issue 10 (revealing a full phone number or email is a sensitive action: operator role, fresh
 * re-authentication, a contact_revealed event). The case list's search was an oracle for both: the
 * phone box took up to 15 trailing digits and the email box any substring, and whether the case
 * stayed in the list answered "is this the next character?". A viewer, who may not reveal at all,
 * read a customer's whole number in at most 80 searches and their address a character at a time,
 * with nothing in the case's history. Kind: a filter that answers more than the page shows. The
 * phone filter now uses the last 4 digits only (what the masked number shows, and what issue 10 asks
 * for), and the email filter matches whole parts only: the address, its local part or its domain.
 */
const MON_1000_JST = new Date('2035-12-03T01:00:00Z');
const CUSTOMER = { email: 'hanako.yamada@example.com', phone: '090-3141-5926' };

describe('the case list search as an oracle for the masked phone and email', () => {
  const clock = manualClock(MON_1000_JST);
  let t: TestServer;
  let viewer: ConsoleOperator;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestServer({ clock, env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' } });
    viewer = await addOperator(t, { email: 'peeking-viewer@example.com', name: 'Viewer', role: 'viewer' });
    ({ caseId } = await openRecoveryCase(
      t,
      { ...CUSTOMER, name: 'Yamada Hanako', mfa: true },
      { remoteAddress: '198.51.100.40', lang: 'ja' },
    ));
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function listed(b: InjectBrowser, query: string): Promise<boolean> {
    const page = await b.get(`/console?${query}`);
    expect(page.statusCode).toBe(200);
    return page.body.includes(`/console/cases/${caseId}`);
  }

  /** Grows a known suffix one character at a time while exactly one candidate keeps the case listed. */
  async function extract(b: InjectBrowser, param: string, known: string, alphabet: string, max: number): Promise<string> {
    let suffix = known;
    for (let step = 0; step < max; step++) {
      const hits: string[] = [];
      for (const c of alphabet) if (await listed(b, `${param}=${encodeURIComponent(c + suffix)}`)) hits.push(c);
      if (hits.length !== 1) break;
      suffix = hits[0] + suffix;
    }
    return suffix;
  }

  it('gives a viewer no more than the masked list shows, and still finds by the last 4 digits and by whole parts of the address', async () => {
    const b = new InjectBrowser(t.server.app, '192.0.2.41');
    expect((await b.signInWithTotp(viewer.email, viewer.password, viewer.uri, clock.now())).statusCode).toBe(303);
    const list = await b.get('/console?lang=en');
    expect(list.body).toContain('h***@example.com');
    expect(list.body).toContain('5926');

    // The masked list shows the last 4 digits and the domain; the search must not give the rest.
    expect(await extract(b, 'phone', '5926', '0123456789', 8)).toBe('5926');
    expect(await extract(b, 'email', '@example.com', 'abcdefghijklmnopqrstuvwxyz.', 4)).toBe('@example.com');
    expect(await t.services.cases.history(caseId)).not.toContainEqual(expect.objectContaining({ kind: 'contact_revealed' }));

    // What an operator types to find a customer still finds them.
    expect(await listed(b, 'phone=5926')).toBe(true);
    expect(await listed(b, `phone=${encodeURIComponent('090-3141-5926')}`)).toBe(true);
    expect(await listed(b, 'phone=1111')).toBe(false);
    expect(await listed(b, 'email=HANAKO.YAMADA%40example.com')).toBe(true);
    expect(await listed(b, 'email=hanako.yamada')).toBe(true);
    expect(await listed(b, 'email=example.com')).toBe(true);
    expect(await listed(b, 'email=%40example.com')).toBe(true);
    expect(await listed(b, 'email=hanako')).toBe(false);
    expect(await listed(b, 'email=ample.com')).toBe(false);
  });
});
