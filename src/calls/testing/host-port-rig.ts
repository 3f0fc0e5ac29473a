import { randomUUID } from 'node:crypto';
import { CaseService } from '../../cases/case-service';
import { openVerifyingCase } from '../../cases/testing/case-draft';
import { type PolicyName, policyPreset } from '../../domain/policy';
import { createIdentityService } from '../../identity/service';
import type { TestStore } from '../../identity/test-stores';
import { createDbJobQueue } from '../../jobs/db-job-queue';
import { createLogger } from '../../observability/logger';
import { deriveKeys } from '../../security/keys';
import { RateLimiter } from '../../security/rate-limiter';
import { createHostPort } from '../host-port';
import { createMfaReset } from '../mfa-reset';
import { createVerificationStore } from '../verification-store';

export const HOUR = 3_600_000;

export function mutableClock(start: string) {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

/**
 * The agent's HostPort over a real store (SQLite or PostgreSQL), identity, verification store and MFA
 * reset, with one customer account and scripted codes: `openCase()` a case in `verifying`,
 * `portFor(caseId)` the port of a new call on it (each call its own port, as each call has).
 */
export async function hostPortRig(ts: TestStore, opts: { policy?: PolicyName; privileged?: boolean; codes?: string[] } = {}) {
  const { store } = ts;
  const clock = mutableClock('2026-01-06T01:00:00.000Z');
  const logger = createLogger('silent');
  const keys = deriveKeys(Buffer.alloc(32, 3));
  const identity = createIdentityService({ store, keys, clock, logger, limits: { loginFailuresPer15Min: 5 } });
  const cases = new CaseService(store, clock);
  const jobs = createDbJobQueue({ store, clock, logger, workerId: 'test' });
  const scripted = [...(opts.codes ?? ['12675693', '20000001', '30000002', '40000003', '50000004', '60000005'])];
  const verification = createVerificationStore({
    cases,
    limiter: new RateLimiter(store, clock),
    queue: jobs.queue,
    codeKey: keys.codeHmac,
    clock,
    companyName: 'Acme',
    randomInt: () => Number(scripted.shift() ?? '99999999'),
  });
  const reset = createMfaReset({
    cases,
    identity,
    queue: jobs.queue,
    tokenKey: keys.tokenHmac,
    clock,
    publicUrl: 'http://localhost:3000',
    companyName: 'Acme',
    timeZone: 'Asia/Tokyo',
    logger,
  });
  const { account } = await identity.createAccount({
    email: 'matty@gmail.com',
    password: 'correct-horse-battery',
    name: '猪股',
    phone: '090-1234-5678',
    lang: 'ja',
    mfa: true,
    role: opts.privileged ? 'operator' : 'customer',
  });

  async function openCase(over: { assurance?: string; phoneOnRecord?: boolean } = {}): Promise<string> {
    return openVerifyingCase(cases, account, clock.now(), over);
  }

  /**
   * The port for a call on the case. `provesPhonePossession`: what the placing dialer recorded on the
   * call (true = a carrier/SIP dialer rang the number on record; false = a softphone or text link).
   */
  async function portFor(caseId: string, policy: PolicyName = opts.policy ?? 'standard', call: { provesPhonePossession?: boolean } = {}) {
    const contact = (await identity.getContact(account.id))!;
    const callId = randomUUID();
    const at = clock.now().toISOString();
    await store.db
      .insertInto('calls')
      .values({
        id: callId,
        case_id: caseId,
        channel: 'text',
        state: 'active',
        token_hash: null,
        token_expires_at: null,
        started_at: at,
        ended_at: null,
        outcome: null,
        recording_path: null,
        recording_deleted_at: null,
        proves_phone_possession: call.provesPhonePossession === false ? 0 : 1,
        created_at: at,
      })
      .execute();
    return createHostPort(
      {
        store,
        cases,
        identity,
        verification,
        reset,
        policy: policyPreset(policy),
        calendar: { nextOpen: (d) => new Date(d.getTime() + HOUR) },
        clock,
        callbackDelayMs: 30 * 60_000,
      },
      { callId, caseId, accountId: account.id, email: contact.email, lang: 'ja' },
      contact,
    );
  }

  const mailJobs = async () =>
    (await store.db.selectFrom('jobs').select(['kind', 'payload']).where('kind', '=', 'mail.send').execute()).map(
      (j) => JSON.parse(j.payload) as { subject: string; text: string },
    );

  return { store, clock, identity, cases, account, openCase, portFor, mailJobs, reset };
}
