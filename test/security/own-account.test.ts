import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKLIST_ITEMS } from '../../src/domain/policy';
import { runningClockFrom } from '../e2e/support/clocks';
import { openRecoveryCase } from '../e2e/support/console-people';
import { HttpBrowser } from '../e2e/support/http-browser';
import { signInThroughProvider } from '../e2e/support/oidc-provider';
import { type SsoDesk, startSsoDesk } from '../e2e/support/sso-desk';
import type { TestServer } from '../e2e/support/test-server';

/**
 * Issue 10 (manual recovery: an operator may not recover their own account). The rule compared
 * the console principal's id with the account id. An operator signed in through the company's SSO
 * has the id `oidc:<sub>`, which never equals an account id, so the same person's own customer
 * account (same email) passed: claim their own escalation, tick the checklist, and a non-privileged
 * account's MFA was removed at once with no second person. Kind: "who is this" decided by an id
 * that differs per way of signing in. The rule now also compares the person key (an HMAC of the
 * email, as the two-person rule already does) with the account's email, on request and approval.
 */
const PEOPLE = {
  'otto.operator': { email: 'otto@corp.example', name: 'Otto Operator', groups: ['aizuchi-operators'] },
  // Otto typed his own address into his IdP profile: the provider says it is not verified.
  'otto.unverified': { email: 'otto@corp.example', emailVerified: false, name: 'Otto Operator', groups: ['aizuchi-operators'] },
};

/**
 * The same attack where the provider does not vouch for the address: the scopes ask for no email,
 * or the email is not verified. Without a verified email the console cannot tell which person an
 * SSO operator is, so the own-account and two-person rules could only compare ids (`oidc:<sub>`),
 * which never match: a manual recovery or approval by such a session is refused, as is treating an
 * unverified claim as the person (anyone could type a colleague's address or someone else's).
 */
const VARIANTS = [
  {
    name: 'verified email',
    scopes: 'openid email profile groups',
    login: 'otto.operator',
    refusal: 'cannot recover, or decide on, their own account',
  },
  { name: 'no email scope', scopes: 'openid profile groups', login: 'otto.operator', refusal: 'no verified email' },
  { name: 'unverified email', scopes: 'openid email profile groups', login: 'otto.unverified', refusal: 'no verified email' },
] as const;

for (const variant of VARIANTS)
  describe(`an SSO operator and their own account (${variant.name})`, () => {
    let desk: SsoDesk;
    let t: TestServer;
    let base: string;

    beforeAll(async () => {
      // Monday 10:00 JST: open hours, so an escalation is held for a person.
      desk = await startSsoDesk({
        people: PEOPLE,
        roleMap: 'aizuchi-operators=operator',
        scopes: variant.scopes,
        clock: runningClockFrom(new Date('2035-12-03T01:00:00Z')),
        keepWorker: false,
        env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' },
      });
      ({ t, base } = desk);
    });
    afterAll(async () => {
      await desk?.stop();
    });

    async function signIn(login: string) {
      const browser = new HttpBrowser();
      const landed = await signInThroughProvider(browser, base, login);
      expect(landed.url.pathname).toBe('/console');
      return browser;
    }
    const csrf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

    it('refuses the manual recovery of the account with the operator’s own email, and nothing is reset', async () => {
      // A request from a number not on record: escalated for a person.
      const { caseId, accountId } = await openRecoveryCase(
        t,
        { email: 'Otto@corp.example', name: 'Otto', phone: '090-1111-2222', mfa: true, lang: 'en' },
        { remoteAddress: '198.51.100.78', lang: 'en', email: 'otto@corp.example', phone: '080-3333-4444' },
      );
      const esc = await t.services.store.db.selectFrom('escalations').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
      const url = `${base}/console/escalations/${esc.id}`;

      const otto = await signIn(variant.login);
      const page = await otto.follow(`${url}?lang=en`);
      expect((await otto.request(`${url}/claim`, { form: { _csrf: csrf(page.body) } })).status).toBe(303);
      const form = await otto.follow(`${url}/manual?lang=en`);
      const submitted = await otto.request(`${url}/manual?lang=en`, {
        form: { _csrf: csrf(form.body), item: [...CHECKLIST_ITEMS], note: 'Rang the number on record; ID checked', lang: 'en' },
      });

      expect(submitted.status).toBe(403);
      expect(await submitted.text()).toContain(variant.refusal);
      expect(await t.services.identity.getAccount(accountId)).toMatchObject({ mfaEnabled: true });
      expect((await t.services.cases.require(caseId)).state).toBe('escalated');
    });
  });
