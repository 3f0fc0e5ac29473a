import type { Kysely } from 'kysely';
import { type AgentTuning, type CallContext, type Outcome, type OutcomeDetail, type TimerPort, systemTimers } from '../agent';
import { CALLBACK_JOB, callbackDedupeKey } from '../cases/callback-job';
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
import { caseChangeForOutcome } from './call-outcome';
import { type CallChannelName, type CallRow, type TranscriptLine, createCallRecords } from './call-records';
import { type CallOwnership, createCallOwnership } from './call-owners';
import { type CallSession, type SessionFigures, startCallSession } from './call-session';
import { summarizeFigures } from './call-figures';
import type { CallChannel } from '../channels/call-channel';
import type { CarrierLeg } from '../channels/carrier';
import { type CallState, createHostPort } from './host-port';
import { createMfaReset } from './mfa-reset';
import { createEscalationNotices } from '../cases/escalations/escalation-notices';
import { createRescheduleNotice } from './reschedule-notice';
import { createCallsExhaustedNotice } from './calls-exhausted-notice';
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
}

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
  });
  const rescheduleMail = createRescheduleNotice({
    cases,
    queue: deps.queue,
    tokenKey: deps.keys.tokenHmac,
    publicUrl: settings.publicUrl,
    companyName: settings.companyName,
    timeZone: settings.timeZone,
  });
  const exhaustedMail = createCallsExhaustedNotice({
    cases,
    queue: deps.queue,
    publicUrl: settings.publicUrl,
    companyName: settings.companyName,
    inboundNumbers: settings.inboundNumbers ?? null,
  });
  const escalationNotices = createEscalationNotices({
    cases,
    queue: deps.queue,
    tokenKey: deps.keys.tokenHmac,
    publicUrl: settings.publicUrl,
    companyName: settings.companyName,
    timeZone: settings.timeZone,
  });
  const live = new Map<string, CallSession>();
  const owners = deps.owners ?? createCallOwnership({ store: deps.store, clock, logger: deps.logger });
  // Another process's sweep ended one of our calls (we were stalled past the lease): stop talking on it.
  owners.onBeat(async () => {
    for (const callId of await records.endedAmong([...live.keys()])) {
      log.warn({ callId }, 'call ended elsewhere while this process was presumed gone; line cut');
      live.get(callId)?.detach();
      live.delete(callId);
    }
  });

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

  /** Ends a call into the store once: call row, dead codes, case change (with its next callback), history. */
  async function finish(
    callId: string,
    outcome: Outcome,
    detail: OutcomeDetail | null,
    state: CallState | null,
    handOver?: CallHandOver | null,
    figures?: ReturnType<typeof summarizeFigures>,
  ): Promise<void> {
    // An abandoned call may be retried, and the retry is mailed: read the contact first, outside
    // the transaction (the identity provider may need its own connection).
    const contact = outcome === 'abandoned' || outcome === 'escalated' ? await contactForCall(callId) : null;
    await cases.inTransaction(async (trx) => {
      const call = await trx.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
      if (!call || !(await records.finish(trx, callId, outcome))) return;
      const invalidated = await verification.invalidateForCase(trx, call.case_id);
      const row = await cases.get(call.case_id, trx);
      if (!row) return;
      await cases.record(trx, row.id, 'call_ended', {
        callId,
        outcome,
        detail,
        codesInvalidated: invalidated,
        ...(state?.escalation ? { escalation: state.escalation } : {}),
        ...(state && state.riskFlags.size > 0 ? { riskFlags: [...state.riskFlags] } : {}),
        ...(figures ? { figures } : {}),
      });
      const change = caseChangeForOutcome({
        outcome,
        detail,
        caseState: row.state,
        callAttempts: row.call_attempts,
        maxRetries: settings.callbackRetries,
        callbackAt: state?.callbackAt ?? null,
      });
      if (!change) return;
      let scheduledAt: string | undefined;
      if (change.scheduleAt) {
        const earliest = new Date(clock.now().getTime() + settings.callbackRetryDelayMin * 60_000);
        const at = change.scheduleAt === 'callback' && state?.callbackAt ? state.callbackAt : deps.calendar.nextOpen(earliest);
        scheduledAt = at.toISOString();
        await deps.queue.enqueue(CALLBACK_JOB, { caseId: row.id }, { runAt: at, dedupeKey: callbackDedupeKey(row.id, at) }, trx);
      }
      await cases.transition(
        trx,
        row.id,
        change.to,
        change.kind,
        { callId, outcome, ...(detail ? { detail } : {}), ...(scheduledAt ? { at: scheduledAt } : {}) },
        { ...(change.outcome ? { outcome: change.outcome } : {}), ...(scheduledAt ? { scheduled_at: scheduledAt } : {}) },
      );
      // Handed to a person (issue 10): the caller heard that someone will be in touch; the mail says
      // from when (the next business hours). Not after "someone else answered": a person reviews first.
      // A live transfer mails only if nobody takes the call (live-transfer.ts); the time is the one the caller heard.
      if (change.to === 'escalated' && outcome === 'escalated' && contact && !handOver?.pending()) {
        const from = handOver?.callbackAt() ?? deps.calendar.nextOpen(clock.now());
        await escalationNotices.handedOver(trx, { caseRow: row, contact }, from, callId);
      }
      // The last automatic call went unanswered: the case closes, and the customer learns how to ask again (issue 8).
      if (change.to === 'failed' && outcome === 'abandoned' && contact) {
        await exhaustedMail(trx, { caseId: row.id, contact, caseLang: row.lang, attempts: row.call_attempts });
      }
      // The automatic retry (declined, not answered, cut off) used to move the time silently (issue 13).
      if (change.scheduleAt === 'retry' && scheduledAt && contact) {
        const at = new Date(scheduledAt);
        await rescheduleMail(trx, {
          caseId: row.id,
          contact,
          caseLang: row.lang,
          callId,
          channel: call.channel,
          at,
          kind: 'retry',
          detail,
        });
      }
    });
  }

  async function contactForCall(callId: string) {
    const call = await records.get(callId);
    const row = call ? await cases.get(call.case_id) : undefined;
    return row?.account_id ? deps.identity.getContact(row.account_id) : null;
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
        await finish(call.id, outcome, detail, state, handOver, callFigures(measured));
        // Ended here, not elsewhere: the owner's beat must not cut a line still handed over to a person.
        live.delete(call.id);
      },
      ...(handOver ? { handOver } : {}),
    });
    live.set(call.id, session);
    session.done
      .then(watch.ended, () => watch.ended('error'))
      .finally(() => live.delete(call.id))
      .catch(() => undefined);
    return session;
  }

  /**
   * Calls nobody will finish, at start-up and every sweep slot (stale-call-sweep.ts): pending links
   * that expired unused, and active calls whose owner process is gone — its heartbeat older than the
   * call lease, or its row removed by a clean stop (call-owners.ts). Calls of live processes, this one
   * included, are left alone. Each stale call ends `abandoned` and its case is retried (call-outcome.ts).
   * Ending is idempotent, so two processes sweeping at once abandon each call once. Returns the count.
   */
  async function abandonStale(): Promise<number> {
    const ownerCutoff = owners.cutoff(clock.now());
    const stale = await records.stale({ ownerCutoff, exclude: new Set(live.keys()) });
    for (const call of stale) await finish(call.id, 'abandoned', null, null);
    await records.reapOwners(ownerCutoff);
    if (stale.length > 0) log.info({ count: stale.length }, 'stale calls marked abandoned');
    return stale.length;
  }

  /** Server shutdown: close lines without outcomes; once this process's row is gone (owners.stop) the next sweep marks them abandoned. */
  function shutdown(): void {
    for (const session of live.values()) session.detach();
    live.clear();
  }

  /**
   * Graceful shutdown (SIGTERM): waits up to `maxMs` for the calls in progress to end on their
   * own; each one still running then has its line cut and ends `abandoned` here and now, so its
   * case is retried (by this or another process) without waiting for the next start-up.
   * Returns how many ended on their own and how many were abandoned.
   */
  async function drain(maxMs: number): Promise<{ finished: number; abandoned: number }> {
    const running = [...live.values()];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)));
    await Promise.race([Promise.allSettled(running.map((s) => s.done)), deadline]);
    clearTimeout(timer);
    const left = [...live.keys()];
    shutdown();
    for (const callId of left) await finish(callId, 'abandoned', null, null);
    if (running.length > 0) log.info({ finished: running.length - left.length, abandoned: left.length }, 'calls drained');
    return { finished: running.length - left.length, abandoned: left.length };
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
    finish,
    abandonStale,
    shutdown,
    drain,
    callsForCase,
    liveCount: () => live.size,
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
