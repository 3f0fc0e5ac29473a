import crypto from 'node:crypto';
import { dialerConformance, type DialerConformanceSetup } from '../channels/dialer.conformance';
import type { Dialer } from '../channels/dialer';
import { RecordingDialer } from '../channels/testing/recording-dialer';
import { CaseService } from '../cases/case-service';
import { createIdentityService } from '../identity/service';
import { createDbJobQueue } from '../jobs/db-job-queue';
import { RecordingJobQueue } from '../jobs/testing/recording-job-queue';
import { createLogger } from '../observability/logger';
import { deriveKeys } from '../security/keys';
import { RateLimiter } from '../security/rate-limiter';
import { type Store, openStore } from '../store/connect';
import { migrateToLatest } from '../store/migrate';
import { PLACE_CALL_JOB, createCarrierDialer } from '../telephony/carrier';
import { createSoftphoneCalls } from '../telephony/softphone/softphone-calls';
import { createSoftphoneHub } from '../telephony/softphone/softphone-hub';
import { type CallService, createCallService } from './call-service';
import { createTextDialer } from './text-dialer';

const NOW = new Date('2035-12-03T00:30:00Z');

/** A migrated in-memory store with the case and call services a dialer works against. */
async function rig(
  makeDialer: (env: { calls: CallService; store: Store }) => { dialer: Dialer; answerable(caseId: string): Promise<boolean> },
  capabilities: { provesPhonePossession: boolean } = { provesPhonePossession: false },
): Promise<DialerConformanceSetup> {
  const store = openStore('sqlite::memory:');
  await migrateToLatest(store);
  const clock = { now: () => NOW };
  const keys = deriveKeys(crypto.randomBytes(32));
  const logger = createLogger('silent');
  const cases = new CaseService(store, clock);
  const identity = createIdentityService({ store, keys, clock, logger, limits: { loginFailuresPer15Min: 5 } });
  const calls = createCallService({
    store,
    cases,
    identity,
    calendar: { isOpen: () => true, nextOpen: (d) => d },
    clock,
    keys,
    queue: new RecordingJobQueue(clock),
    cancelJob: async () => false,
    limiter: new RateLimiter(store, clock),
    logger,
    settings: {
      serverUrl: 'http://localhost:3000',
      publicUrl: 'http://localhost:3000',
      companyName: 'Example Co',
      agentName: 'Aizuchi',
      policy: 'standard',
      timeZone: 'Asia/Tokyo',
      callbackRetries: 3,
      callbackRetryDelayMin: 30,
    },
  });
  const made = makeDialer({ calls, store });
  let accounts = 0;
  return {
    dialer: made.dialer,
    answerable: made.answerable,
    // Only a dialer that rings the number on record itself proves the phone (SECURITY.md "Evidence").
    capabilities,
    inTransaction: (fn) => cases.inTransaction(fn),
    async newCase() {
      const n = ++accounts;
      const { account } = await identity.createAccount({
        email: `taro${n}@example.com`,
        password: 'correct horse battery',
        name: '山田 太郎',
        phone: '090-1234-5678',
      });
      const row = await cases.inTransaction((trx) =>
        cases.open(
          trx,
          {
            account_id: account.id,
            email: account.email,
            phone_e164: account.phoneE164,
            phone_on_record: 1,
            lang: 'ja',
            state: 'requested',
            assurance: 'password_verified',
            consent_at: NOW.toISOString(),
            consent_version: 'v1',
            recording_consent: 1,
            client_ip_hash: 'h',
            scheduled_at: null,
            cancel_token_hash: null,
          },
          {},
        ),
      );
      await cases.inTransaction((trx) =>
        cases.transition(trx, row.id, 'scheduled', 'callback_scheduled', {}, { scheduled_at: NOW.toISOString() }),
      );
      return row.id;
    },
    startCalling: async (trx, caseId, attempt) =>
      void (await cases.transition(trx, caseId, 'calling', 'call_started', { attempt }, { call_attempts: attempt })),
    teardown: () => store.close(),
  };
}

dialerConformance('text dialer', () => {
  const links = new Map<string, string>();
  return rig(({ calls }) => ({
    dialer: createTextDialer(calls, (caseId, url) => void links.set(caseId, url)),
    // The customer picks up by connecting with the link the dialer handed out.
    async answerable(caseId) {
      const url = links.get(caseId);
      const token = url ? new URL(url).searchParams.get('token') : null;
      return token ? (await calls.connect(token)).ok : false;
    },
  }));
});

dialerConformance('softphone dialer', () =>
  rig(({ calls, store }) => {
    const softphone = createSoftphoneCalls({
      store,
      clock: { now: () => NOW },
      backend: calls,
      hub: createSoftphoneHub(),
      timers: { setTimer: () => ({ cancel: () => undefined }) },
    });
    // The customer's open page rings while the port finds a live offer for the case.
    return { dialer: softphone.dialer, answerable: async (caseId) => (await softphone.port.findOffered(caseId)) !== null };
  }),
);

dialerConformance('recording fake (tests of cases and the console)', () =>
  rig(({ store }) => {
    const dialer = new RecordingDialer();
    return { dialer, answerable: (caseId) => dialer.rung(store.db, caseId) };
  }),
);

// The carrier dialer's stand-in (as in the phone-possession test): it claims to ring the number on
// record, so its calls prove possession; here the "phone" is a text link.
dialerConformance('carrier stand-in that rings the number on record', () => {
  const links = new Map<string, string>();
  return rig(
    ({ calls }) => {
      const dialer: Dialer = {
        provesPhonePossession: true,
        async dial(trx, caseId) {
          links.set(caseId, (await calls.openLink(trx, caseId, 'text', dialer)).url);
        },
      };
      return {
        dialer,
        async answerable(caseId) {
          const token = links.has(caseId) ? new URL(links.get(caseId)!).searchParams.get('token') : null;
          return token ? (await calls.connect(token)).ok : false;
        },
      };
    },
    { provesPhonePossession: true },
  );
});

// The carrier dialer (issue 8) never calls the carrier while dialling: the call row and the
// outbound-call job are written in the dialling transaction (an outbox), and the job rings later.
dialerConformance('carrier dialer (call row + place-call job)', () =>
  rig(
    ({ calls, store }) => {
      const jobs = createDbJobQueue({ store, clock: { now: () => NOW }, logger: createLogger('silent'), workerId: 'conformance' });
      const dialer = createCarrierDialer({ carrier: 'sip', calls, queue: jobs.queue });
      return {
        dialer,
        // Answerable once both committed: a queued carrier attempt and the job that will place it.
        async answerable(caseId) {
          const call = await store.db
            .selectFrom('calls')
            .select(['id', 'channel', 'dial_state'])
            .where('case_id', '=', caseId)
            .executeTakeFirst();
          if (!call || call.channel !== 'sip' || call.dial_state !== 'queued') return false;
          const job = await store.db
            .selectFrom('jobs')
            .select(['payload'])
            .where('kind', '=', PLACE_CALL_JOB)
            .where('dedupe_key', '=', `place-call:${call.id}`)
            .executeTakeFirst();
          return job !== undefined && (JSON.parse(job.payload) as { callId: string }).callId === call.id;
        },
      };
    },
    { provesPhonePossession: true },
  ),
);
