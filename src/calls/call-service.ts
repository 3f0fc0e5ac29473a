import type { Kysely } from 'kysely';
import { type AgentTuning, type CallContext, type TimerPort, systemTimers } from '../agent';
import type { CaseRow, CaseService } from '../cases/case-service';
import type { Clock } from '../domain/clock';
import { isLang } from '../domain/lang';
import { type PolicyName, policyPreset } from '../domain/policy';
import { CODE_RULES, type RandomInt } from '../domain/verification';
import type { IdentityProvider } from '../identity/provider';
import type { JobQueue } from '../jobs/queue';
import type { Logger } from '../observability/logger';
import type { RateLimiter } from '../security/rate-limiter';
import type { Store } from '../store/connect';
import type { Database } from '../store/schema';
import { type CallChannelName, type CallRow, type TranscriptLine, createCallRecords } from './call-records';
import { type CallOwnership, createCallOwnership } from './call-owners';
import { type CallSession, type SessionFigures, startCallSession } from './call-session';
import { createRunningCalls } from './running-calls';
import { summarizeFigures } from './call-figures';
import type { CallChannel } from '../channels/call-channel';
import type { CarrierLeg } from '../channels/carrier';
import { createHostPort } from './host-port';
import { createCallFinish } from './call-finish';
import { type MfaResetDeps, createMfaReset } from './mfa-reset';
import { createVerificationStore } from './verification-store';
import { AizuchiError, errorFields } from '../domain/errors';
import { maskEmail } from '../domain/phone';
import type { LiveCalls } from './live/live-calls';
import { watchCall } from './live/watch-call';
import type { CallHandOver, LiveTransfer } from './transfer/live-transfer';

export interface CallSettings {
  /** Where call links point (AIZUCHI_URL); http(s) becomes ws(s). */
  serverUrl: string;
  publicUrl: string;
  companyName: string;
  agentName: string;
  /** The recovery policy in force; a function when an admin may change it at run time (read at each call's start). */
  policy: PolicyName | (() => PolicyName);
  timeZone: string;
  callbackRetries: number;
  callbackRetryDelayMin: number;
  /** The call-in number per language (AIZUCHI_INBOUND_NUMBER*), quoted in the missed-call mail; `default` '' means none for languages without their own. */
  inboundNumbers?: { default: string; ja?: string; en?: string } | null;
}

export interface CallServiceDeps {
  store: Store;
  cases: CaseService;
  identity: IdentityProvider;
  calendar: { isOpen(at: Date): boolean; nextOpen(from: Date): Date };
  clock: Clock;
  keys: { codeHmac: Buffer; tokenHmac: Buffer };
  queue: JobQueue;
  /** Drops the queued callback a call-now replaces (JobSystem.cancelByDedupeKey). */
  cancelJob(dedupeKey: string, trx: Kysely<Database>): Promise<boolean>;
  limiter: RateLimiter;
  logger: Logger;
  settings: CallSettings;
  timers?: TimerPort;
  tuning?: Partial<AgentTuning>;
  randomInt?: RandomInt;
  /** How long a call link may wait for its one connection. */
  tokenTtlMs?: number;
  /** The live feed the console's live calls view reads (issue 10); without it nothing is published. */
  live?: LiveCalls;
  /**
   * This process as the owner of the calls it connects (call-owners.ts); the server starts its
   * heartbeat. Default: an ownership with the default lease that is never started (CLI, tests).
   */
  owners?: CallOwnership;
  /** Live transfer to an operator's console when the caller asks for a person (issue 10); without it the agent hands over by mail. */
  transfer?: LiveTransfer;
  /** An operator's display name for the live view ("with …"); null or absent: their id is shown. */
  operatorName?(operatorId: string): Promise<string | null>;
  /** When a half-failed reset's resume job gives up (MfaResetDeps.gaveUp): manual recovery marks its request failed. */
  resetGaveUp?: MfaResetDeps['gaveUp'];
}

/** What a take-over from the console came to (CallService.takeOver; CallHandOver.aimAt). */
export type TakeOverResult = ReturnType<CallHandOver['aimAt']> | 'not_here';

export interface StartedCall {
  callId: string;
  /** The single-use address; shown once, never stored or logged. */
  url: string;
}

export interface ConnectedCall {
  call: CallRow;
  caseRow: CaseRow;
}

export type ConnectResult =
  { ok: true; connected: ConnectedCall } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'closed' | 'unplaced' };

export interface CallWithTranscript {
  call: CallRow;
  transcript: TranscriptLine[];
}

export const DEFAULT_CALL_TOKEN_TTL_MS = 10 * 60_000;

/** http://host:3000 → ws://host:3000/api/v1/calls/text?token=… */
export function callUrl(serverUrl: string, token: string): string {
  const url = new URL('/api/v1/calls/text', serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.toString();
}

/**
 * Calls on cases: starting one (a single-use link), connecting it, running it through the agent,
 * ending it into the case's history, and cleaning up calls a crash left open.
 */
export function createCallService(deps: CallServiceDeps) {
  const { cases, clock, settings } = deps;
  const log = deps.logger.child({ component: 'calls' });
  const presetNow = () => policyPreset(typeof settings.policy === 'function' ? settings.policy() : settings.policy);
  const records = createCallRecords({
    store: deps.store,
    tokenKey: deps.keys.tokenHmac,
    clock,
    tokenTtlMs: deps.tokenTtlMs ?? DEFAULT_CALL_TOKEN_TTL_MS,
  });
  const verification = createVerificationStore({
    cases,
    limiter: deps.limiter,
    queue: deps.queue,
    codeKey: deps.keys.codeHmac,
    clock,
    companyName: settings.companyName,
    randomInt: deps.randomInt,
  });
  const reset = createMfaReset({
    cases,
    identity: deps.identity,
    queue: deps.queue,
    tokenKey: deps.keys.tokenHmac,
    clock,
    publicUrl: settings.publicUrl,
    companyName: settings.companyName,
    timeZone: settings.timeZone,
    logger: deps.logger,
    ...(deps.resetGaveUp ? { gaveUp: deps.resetGaveUp } : {}),
  });
  const { finish, escalationNotices } = createCallFinish({
    cases,
    identity: deps.identity,
    records,
    verification,
    queue: deps.queue,
    calendar: deps.calendar,
    clock,
    tokenKey: deps.keys.tokenHmac,
    settings,
  });
  const owners = deps.owners ?? createCallOwnership({ store: deps.store, clock, logger: deps.logger });
  // Calls in progress here that an operator may take over from the console (voice calls with a live transfer).
  const takeable = new Map<string, { caseId: string; session: CallSession; handOver: CallHandOver }>();
  const running = createRunningCalls({ records, owners, clock, log, abandon: (callId) => finish(callId, 'abandoned', null, null) });

  /**
   * Opens a call record with a fresh link, inside a transaction that already moved the case to
   * `calling`. `dialer.provesPhonePossession` is recorded on the call (default false: a link
   * reached by whoever holds it proves no phone).
   */
  async function openLink(
    trx: Kysely<Database>,
    caseId: string,
    channel: CallChannelName,
    dialer?: { provesPhonePossession: boolean },
  ): Promise<StartedCall> {
    const provesPhonePossession = dialer?.provesPhonePossession ?? false;
    const { call, token } = await records.create(trx, caseId, channel, provesPhonePossession);
    await cases.record(trx, caseId, 'call_link_issued', {
      callId: call.id,
      channel,
      expiresAt: call.token_expires_at,
      provesPhonePossession,
    });
    return { callId: call.id, url: callUrl(settings.serverUrl, token) };
  }

  /**
   * A new single-use token for a pending call (call-records.ts reissueToken), inside the caller's
   * transaction; null when the call is no longer pending. The carrier's outbound-call job uses it.
   */
  function reissueToken(trx: Kysely<Database>, callId: string): Promise<string | null> {
    return records.reissueToken(trx, callId);
  }

  /**
   * Spends a link: the call becomes active and the case moves to `verifying`. `leg`: the carrier leg
   * the media names (a carrier's call opens only for its own leg; call-records.ts redeem).
   */
  async function connect(token: string, leg?: CarrierLeg | null): Promise<ConnectResult> {
    try {
      return await cases.inTransaction(async (trx) => {
        const redeemed = await records.redeem(trx, token, owners.instanceId, leg);
        if (!redeemed.ok) return redeemed;
        const caseRow = await cases.get(redeemed.call.case_id, trx);
        if (!caseRow || caseRow.state !== 'calling' || !caseRow.account_id) throw new ClosedCaseError();
        const moved = await cases.transition(trx, caseRow.id, 'verifying', 'call_connected', {
          callId: redeemed.call.id,
          channel: redeemed.call.channel,
        });
        return { ok: true as const, connected: { call: redeemed.call, caseRow: moved } };
      });
    } catch (err) {
      if (err instanceof ClosedCaseError) return { ok: false, reason: 'closed' };
      throw err;
    }
  }

  /** Runs a connected call through the agent on the given channel. */
  async function attach(connected: ConnectedCall, channel: CallChannel): Promise<CallSession> {
    const { call, caseRow } = connected;
    const preset = presetNow();
    const contact = await deps.identity.getContact(caseRow.account_id!);
    if (!contact) {
      // A system_error call must carry its cause in the log, as port failures do (call-session.ts).
      const error = new MissingAccountError();
      log.error({ callId: call.id, ...errorFields(error) }, 'account of the case is missing; call escalated (system_error)');
      await finish(call.id, 'escalated', 'system_error', null);
      channel.end('escalated');
      channel.close('ended');
      throw error;
    }
    const lang = isLang(caseRow.lang) ? caseRow.lang : contact.lang;
    const { port, state } = createHostPort(
      {
        store: deps.store,
        cases,
        identity: deps.identity,
        verification,
        reset,
        policy: preset,
        calendar: deps.calendar,
        clock,
        callbackDelayMs: settings.callbackRetryDelayMin * 60_000,
      },
      { callId: call.id, caseId: caseRow.id, accountId: caseRow.account_id!, email: contact.email, lang },
      contact,
    );
    const watch = watchCall(deps.live, {
      callId: call.id,
      caseId: caseRow.id,
      channel: call.channel,
      lang,
      customer: maskEmail(contact.email),
      startedAt: clock.now().toISOString(),
    });
    const handOver =
      deps.transfer?.forCall({
        callId: call.id,
        caseId: caseRow.id,
        lang,
        customer: maskEmail(contact.email),
        canHandOff: typeof channel.handOff === 'function',
        lines: async () => (await records.transcript(call.id)).map((l) => ({ ...l, speaker: l.speaker === 'agent' ? 'agent' : 'caller' })),
        mailHandedOver: (from) =>
          cases.inTransaction(async (trx) => {
            const row = await cases.get(caseRow.id, trx);
            if (row) await escalationNotices.handedOver(trx, { caseRow: row, contact }, from, call.id);
          }),
        connected: (operatorId) =>
          void (deps.operatorName?.(operatorId) ?? Promise.resolve(null))
            .catch(() => null)
            .then((name) => watch.withPerson(name ?? operatorId)),
      }) ?? null;
    const context: CallContext = {
      lang,
      companyName: settings.companyName,
      agentName: settings.agentName,
      customerName: contact.name,
      ...(contact.nameKana ? { customerNameKana: contact.nameKana } : {}),
      ...(contact.nameLatin ? { customerNameLatin: contact.nameLatin } : {}),
      policy: preset.name,
      keypadOnlyCodes: preset.keypadOnlyCodes,
      timeZone: settings.timeZone,
      requestedEarlierDay: calendarDay(caseRow.created_at, settings.timeZone) < calendarDay(clock.now().toISOString(), settings.timeZone),
      recordingRefused: caseRow.recording_consent === 0,
    };
    // The recording's first sample on the clock the transcript is timed by: the audio already
    // written when the session starts lies before this instant (case page: transcript ↔ waveform).
    const attachedAt = clock.now().getTime();
    const recordedAtAttach = channel.figures?.().recordedMs;
    const recordingStartedAt = recordedAtAttach === undefined ? null : new Date(attachedAt - recordedAtAttach).toISOString();
    const callFigures = (m: SessionFigures) => summarizeFigures(m.channel, m.replyLatencyMs, recordingStartedAt);
    const session = startCallSession({
      callId: call.id,
      channel,
      context,
      port: watch.port(handOver ? { ...port, handOver: async () => handOver.decide() } : port),
      timers: deps.timers ?? systemTimers(),
      // The store's limits, so the agent and the database agree on when a code is used up.
      tuning: {
        maxCodeAttempts: CODE_RULES.maxWrongPerCode,
        maxCodeResends: CODE_RULES.maxSendsPerRequest - 1,
        codeLength: CODE_RULES.length,
        ...deps.tuning,
      },
      logger: deps.logger,
      appendTranscript: async (speaker, text) => watch.line(speaker, await records.appendTranscript(call.id, speaker, text)),
      finish: async (outcome, detail, measured) => {
        running.ending(call.id);
        await finish(call.id, outcome, detail, state, handOver, callFigures(measured));
        // Ended here, not elsewhere: the owner's beat must not cut a line still handed over to a person.
        running.forget(call.id);
      },
      ...(handOver ? { handOver } : {}),
    });
    running.add(call.id, session);
    if (handOver) takeable.set(call.id, { caseId: caseRow.id, session, handOver });
    session.done
      .then(
        async (outcome) => {
          takeable.delete(call.id);
          // Handed to a person: the live view shows the call "with" them until the line ends.
          if (handOver?.pending()) await handOver.settled();
          watch.ended(outcome);
        },
        () => watch.ended('error'),
      )
      .finally(() => {
        takeable.delete(call.id);
        running.forget(call.id);
      })
      .catch(() => undefined);
    return session;
  }

  /**
   * An operator takes a live AI call over from the console (issue 10): the transfer is aimed at their
   * console softphone (it must be open in this process), the agent says its hand-over line and stops,
   * and the line goes through the live transfer as when a caller asks for a person. Writes
   * `call_taken_over` (call and operator ids). `not_here`: no such call in progress in this process.
   */
  async function takeOver(callId: string, operatorId: string): Promise<TakeOverResult> {
    const entry = takeable.get(callId);
    if (!entry) return 'not_here';
    const aimed = entry.handOver.aimAt(operatorId);
    if (aimed !== 'ok') return aimed;
    if (!entry.session.takeOver()) return 'not_here';
    await cases.inTransaction((trx) => cases.record(trx, entry.caseId, 'call_taken_over', { callId, operatorId }));
    return 'ok';
  }

  async function callsForCase(caseId: string): Promise<CallWithTranscript[]> {
    const calls = await records.forCase(caseId);
    return Promise.all(calls.map(async (call) => ({ call, transcript: await records.transcript(call.id) })));
  }

  return {
    openLink,
    reissueToken,
    connect,
    attach,
    takeOver,
    finish,
    abandonStale: running.abandonStale,
    shutdown: running.shutdown,
    drain: running.drain,
    callsForCase,
    liveCount: running.count,
    owners,
    /** Handler for MFA_RESET_DUE_JOB (strict policy's cooling-off). */
    resetDueHandler: reset.dueHandler,
    /** Handler for MFA_RESET_RESUME_JOB (a reset whose provider steps half-failed). */
    resetResumeHandler: reset.resumeHandler,
    /** The same reset for operators (a manual recovery, via `manual`): outside any transaction, resolves the case. */
    performReset: reset.perform,
  };
}

/** The calendar day (YYYY-MM-DD) an ISO instant falls on in the zone. */
function calendarDay(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleDateString('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
}

/**
 * The case's account no longer exists when its call connects (deleted after the case opened), so
 * the call cannot run: it ends escalated as `system_error`. A retry cannot bring the account back.
 * (Under 20 characters: the log scrubber masks longer identifier-like runs as tokens.)
 */
export class MissingAccountError extends AizuchiError {
  constructor() {
    super('account of the case no longer exists', { code: 'account_missing', retryable: false });
  }
}

class ClosedCaseError extends AizuchiError {
  constructor() {
    super('the case closed before the call connected', { code: 'case_closed' });
  }
}

export type CallService = ReturnType<typeof createCallService>;
