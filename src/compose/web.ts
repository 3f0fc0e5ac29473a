import type { FastifyPluginAsync } from 'fastify';
import { createOperatorActions } from '../cases/operator-actions';
import { recordingRoutes } from '../calls/recording/recording-route';
import { createRecordingStore } from '../calls/recording/recording-store';
import { maskEmail, maskPhone } from '../domain/phone';
import { createHandoffVerifier } from '../identity/handoff/handoff-verifier';
import { createOidcSignIn } from '../identity/operator-sso/oidc-sign-in';
import { dbSsoSessions } from '../identity/operator-sso/sso-sessions';
import { consoleAccess, createOperatorSso } from '../web/plugins/operator-sso';
import { dbSpentTokens } from '../identity/handoff/spent-tokens';
import { createHandoffBinder } from '../web/plugins/handoff-binding';
import { callsCaseSection, callsPlugin } from '../web/plugins/calls';
import { consolePlugin } from '../web/plugins/console';
import { dbConsolePreferences } from '../web/plugins/console-preferences';
import { consoleChartsPlugin } from '../web/plugins/console-charts';
import { consoleSettingsPlugin } from '../web/plugins/console-settings';
import { consoleSessionsPlugin } from '../web/plugins/console-sessions';
import { contactRevealPlugin } from '../web/plugins/contact-reveal';
import { recentSystemEvents } from '../audit/system-events';
import { SETTINGS_CHANGED_EVENT, createConsoleSessions, createOperatorNames } from '../settings';
import { liveCallsPlugin } from '../web/plugins/live-calls';
import { operatorSoftphonePlugin } from '../web/plugins/operator-softphone';
import { LIVE_LISTEN_PATH, liveListenPlugin } from '../web/plugins/live-listen';
import { createEscalationQueue } from '../cases/escalations/escalation-queue';
import { createEscalationActions } from '../cases/escalations/escalation-actions';
import { createEscalationNotices } from '../cases/escalations/escalation-notices';
import { escalationCaseSection, escalationsPlugin } from '../web/plugins/escalations';
import { createManualRecovery } from '../cases/escalations/manual-recovery';
import { manualEscalationSections, manualRecoveryPlugin } from '../web/plugins/manual-recovery';
import { policyPreset } from '../domain/policy';
import { hmacHex } from '../security/keys';
import type { FastifyRequest } from 'fastify';
import { freshAuthPlugin, requireFreshAuth } from '../web/plugins/fresh-auth';
import { createIdentityWeb } from '../web/plugins/identity';
import { mailCatcherPlugin } from '../web/plugins/mail-catcher';
import { recoveryPlugin } from '../web/plugins/recovery';
import { mediaStreamPlugin } from '../web/plugins/media-stream';
import { mediaStreamUrl } from '../telephony/public-urls';
import { verifyTwilioSignature } from '../telephony/twilio/twilio-webhooks';
import { SOFTPHONE_ASSETS, softphonePlugin } from '../web/plugins/softphone';
import { telnyxWebhooks } from '../telephony/telnyx/telnyx-webhooks';
import { twilioWebhooks } from '../telephony/twilio/twilio-webhooks';
import type { Services } from './services-types';

/**
 * The webhooks of the carrier AIZUCHI_TELEPHONY names (Twilio's status and AMD callbacks, Telnyx's
 * Call Control events), reporting to the carrier call service; none for the softphone or SIP.
 */
function carrierWebhooks(services: Services): FastifyPluginAsync[] {
  const { config, logger, telephony } = services;
  if (!telephony) return [];
  if (telephony.carrier.name === 'twilio' && config.twilio) {
    return [
      twilioWebhooks({
        authToken: config.twilio.authToken,
        publicUrl: config.publicUrl,
        events: telephony.events,
        ...(telephony.incoming ? { incoming: telephony.incoming } : {}),
        logger,
      }),
    ];
  }
  if (telephony.carrier.name === 'telnyx' && config.telnyx) {
    return [telnyxWebhooks({ publicKey: config.telnyx.publicKey, events: telephony.events, logger })];
  }
  return [];
}

/**
 * One Fastify plugin per area, wired to the services: sign-in and account pages, the recovery form
 * and API, the operator console, calls, recordings, the softphone (when enabled), the carrier
 * media-stream endpoint (when AIZUCHI_TELEPHONY names a carrier) and the mail
 * catcher's inbox (only when mail goes to the built-in catcher; see web/host-policy.ts).
 */
export function areaPlugins(services: Services): FastifyPluginAsync[] {
  const { config, logger, keys, clock, identity, cases, recovery, undo, store } = services;
  // Operators may also sign in through the company's OpenID Connect provider (issue 12).
  const ssoSessions = config.oidc ? dbSsoSessions(store.db, keys.tokenHmac, clock) : undefined;
  const sso =
    config.oidc && ssoSessions
      ? createOperatorSso({
          signIn: createOidcSignIn(config.oidc),
          sessions: ssoSessions,
          key: keys.tokenHmac,
          publicUrl: config.publicUrl,
          clock,
          sessionTtlMs: config.console.sessionMaxHours * 3_600_000,
        })
      : undefined;
  // Console session limits (config.console; NIST SP 800-63B-4 AAL2), for local and SSO sessions alike.
  const consoleLimits = { idleMs: config.console.idleMin * 60_000, maxAgeMs: config.console.sessionMaxHours * 3_600_000 };
  const identityWeb = createIdentityWeb({
    identity,
    clock,
    csrfKey: keys.tokenHmac,
    publicUrl: config.publicUrl,
    ssoLink: sso !== undefined,
    onSignOut: sso?.signOut,
    consoleRoleOf: (accountId) => services.operatorRoles.roleOf(accountId),
    ...consoleLimits,
  });
  const preferences = dbConsolePreferences(store.db, clock);
  const access = consoleAccess({
    requireLocalOperator: identityWeb.requireOperator,
    sso,
    clock,
    currentLocalOperator: identityWeb.currentOperator,
    storedLang: (operatorId) => preferences.lang(operatorId),
    ...consoleLimits,
  });
  const handoff = config.handoff
    ? createHandoffBinder({
        verifier: createHandoffVerifier({ ...config.handoff, spent: dbSpentTokens(store.db, clock), clock }),
        key: keys.tokenHmac,
        clock,
        secure: config.publicUrl.startsWith('https:'),
      })
    : undefined;
  const escalations = createEscalationQueue({ store, cases, clock, slaMs: config.limits.escalationSlaMin * 60_000 });
  const mask = { email: maskEmail, phone: maskPhone };
  // People read names, not ids: who saved, holds, approved, wrote a note, or acted in a timeline.
  const operatorNames = createOperatorNames(store);
  const notices = createEscalationNotices({
    cases,
    queue: services.jobs.queue,
    tokenKey: keys.tokenHmac,
    publicUrl: config.publicUrl,
    companyName: config.companyName,
    timeZone: config.calendar.timeZone,
  });
  const contactOf = (accountId: string) => identity.getContact(accountId);
  const operatorActions = createOperatorActions({
    cases,
    calendar: services.calendar,
    queue: services.jobs.queue,
    cancelJob: (key, trx) => services.jobs.cancelByDedupeKey(key, trx),
    dialer: services.dialer,
    clock,
    callLeadMs: config.limits.callbackLeadSec * 1000,
    approvedMail: { contactOf, notices },
  });
  /** One key per person whichever way they signed in (SSO or local): the HMAC of their email. */
  const personKey = (email: string) => hmacHex(keys.tokenHmac, `person:${email.trim().toLowerCase()}`);
  // Manual recovery (issue 10): the reset is the call path's own, run after the approval commits.
  const manual = createManualRecovery({
    personOf: personKey,
    cases,
    db: store.db,
    clock,
    policy: () => policyPreset(services.settings.policy()),
    contactOf: (accountId) => services.accounts.getContact(accountId),
    reset: (caseId, accountId, contact, detail) => services.calls.performReset(caseId, accountId, contact, 'manual', detail),
  });
  // Sensitive console actions (issue 10: policy edits, manual recovery) need a password+TOTP or SSO login in the last 5 min.
  const freshAuth = requireFreshAuth();
  const personOf = async (req: FastifyRequest): Promise<string | undefined> => {
    const email = (await sso?.session(req))?.email ?? (await identity.getAccount(req.operator?.id ?? ''))?.email;
    return email ? personKey(email) : undefined;
  };
  return [
    identityWeb.plugin,
    ...(sso ? [sso.plugin] : []),
    freshAuthPlugin({
      identity,
      requireOperator: access.requireOperator,
      csrf: identityWeb.csrf,
      knownDeviceOf: identityWeb.knownDeviceOf,
      ...(sso ? { ssoReauthPath: sso.reauthPath } : {}),
    }),
    recoveryPlugin({
      recovery,
      undo,
      csrf: identityWeb.csrf,
      minResponseMs: config.recoveryResponseFloorMs,
      handoff,
      async passwordEvidence(req) {
        const s = await identityWeb.readSession(req);
        if (!s?.passwordVerifiedAt) return null;
        const a = await identity.getAccount(s.accountId);
        return a ? { accountId: a.id, email: a.email } : null;
      },
    }),
    consolePlugin({
      cases,
      requireOperator: access.requireOperator,
      mask,
      timeZone: config.calendar.timeZone,
      operatorNames,
      preferences,
      caseSections: [escalationCaseSection(escalations), callsCaseSection(services.calls, { history: (id) => cases.history(id) })],
      operator: {
        actions: operatorActions,
        csrf: identityWeb.csrf,
        revealContact: true,
        unfreezeEnrolment: (caseId, operatorId) => undo.unfreeze(caseId, operatorId),
      },
    }),
    contactRevealPlugin({ cases, requireOperator: access.requireOperator, requireFreshAuth: freshAuth, csrf: identityWeb.csrf }),
    escalationsPlugin({
      queue: escalations,
      requireOperator: access.requireOperator,
      csrf: identityWeb.csrf,
      mask,
      timeZone: config.calendar.timeZone,
      actions: {
        escalation: createEscalationActions({ cases, calendar: services.calendar, clock, contactOf, notices, queue: escalations }),
        approve: (caseId, operatorId) => operatorActions.approveCallback(caseId, { accountId: operatorId }),
      },
      operatorNames,
      sections: manualEscalationSections(manual, operatorNames),
    }),
    manualRecoveryPlugin({
      manual,
      queue: escalations,
      cases,
      contactOf: (accountId) => services.accounts.getContact(accountId),
      requireOperator: access.requireOperator,
      requireFreshAuth: freshAuth,
      principal: (req) => req.operator ?? undefined,
      personOf,
      csrf: identityWeb.csrf,
      mask,
      timeZone: config.calendar.timeZone,
      operatorNames,
    }),
    consoleChartsPlugin({
      db: store.db,
      requireOperator: access.requireOperator,
      calendar: services.calendar,
      timeZone: config.calendar.timeZone,
      clock,
      csrf: identityWeb.csrf,
    }),
    consoleSessionsPlugin({
      sessions: createConsoleSessions({ store, local: identity.sessions, sso: ssoSessions, clock, ...consoleLimits }),
      requireOperator: access.requireOperator,
      csrf: identityWeb.csrf,
      timeZone: config.calendar.timeZone,
    }),
    consoleSettingsPlugin({
      settings: services.settings,
      requireOperator: access.requireOperator,
      principal: (req) => req.operator ?? undefined,
      freshAuth,
      csrf: identityWeb.csrf,
      history: () => recentSystemEvents(store, 20, SETTINGS_CHANGED_EVENT),
      operatorNames,
      clock,
    }),
    callsPlugin({ calls: services.calls, logger }),
    liveCallsPlugin({
      live: services.live,
      requireOperator: access.requireOperator,
      timeZone: config.calendar.timeZone,
      csrf: identityWeb.csrf,
      stillAllowed: (req) => access.stillAllowed(req, 'viewer'),
      listen: { path: LIVE_LISTEN_PATH, assetBase: SOFTPHONE_ASSETS },
      logger,
    }),
    operatorSoftphonePlugin({
      desk: services.desk,
      requireOperator: access.requireOperator,
      stillAllowed: access.stillAllowed,
      logger,
      timeZone: config.calendar.timeZone,
      csrf: identityWeb.csrf,
    }),
    liveListenPlugin({
      taps: services.taps,
      findCall: async (callId) => {
        const row = await store.db.selectFrom('calls').select(['case_id', 'state', 'owner_id']).where('id', '=', callId).executeTakeFirst();
        return row
          ? { caseId: row.case_id, active: row.state === 'active', here: row.owner_id === services.calls.owners.instanceId }
          : null;
      },
      audit: async (caseId, kind, data) => {
        await cases.inTransaction((trx) => cases.record(trx, caseId, kind, data));
      },
      requireOperator: access.requireOperator,
      csrf: identityWeb.csrf,
      stillAllowed: access.stillAllowed,
      logger,
      takeOver: (callId, operatorId) => services.calls.takeOver(callId, operatorId),
    }),
    ...carrierWebhooks(services),
    recordingRoutes({
      recordings: createRecordingStore(store),
      requireOperator: access.requireOperator,
      // A recording is a person's voice: who listened to which call is in the case's audit history.
      listened: async (req, { callId, caseId }) => {
        await cases.inTransaction((trx) => cases.record(trx, caseId, 'recording_played', { callId, operatorId: req.operator?.id ?? null }));
      },
    }),
    ...(services.softphone
      ? [
          softphonePlugin({
            db: store.db,
            ...services.softphone,
            timeZone: config.calendar.timeZone,
            ringsHere: services.dialer === services.softphone.dialer,
            logger,
          }),
        ]
      : []),
    // Carrier media streams (any of the five framings) connect here once a carrier call is answered.
    ...(services.telephony
      ? [
          mediaStreamPlugin({
            events: services.telephony.events,
            logger,
            // With a Twilio account, a Twilio-framed stream must carry Twilio's signature of the stream URL (TELEPHONY.md §1.3).
            verifyUpgrade: (vendor, upgrade) => {
              const twilio = config.twilio;
              return (
                vendor !== 'twilio' ||
                !twilio ||
                verifyTwilioSignature(twilio.authToken, upgrade.twilioSignature, mediaStreamUrl(config.publicUrl), {})
              );
            },
          }),
        ]
      : []),
    ...(services.mail.catcher
      ? [mailCatcherPlugin({ store, allowedHosts: [new URL(config.publicUrl).hostname], timeZone: config.calendar.timeZone })]
      : []),
  ];
}
