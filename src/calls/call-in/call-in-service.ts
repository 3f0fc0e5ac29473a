import { randomUUID } from 'node:crypto';
import type { CaseRow, CaseService } from '../../cases/case-service';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallChannel } from '../../channels/call-channel';
import type { CarrierEvents, IncomingCall, IncomingCalls } from '../../channels/carrier';
import { canReopenForCallIn } from '../../domain/cases/case-state';
import type { Clock } from '../../domain/clock';
import { errorFields } from '../../domain/errors';
import type { Lang } from '../../domain/lang';
import type { PolicyPreset } from '../../domain/policy';
import type { IdentityProvider } from '../../identity/provider';
import type { Logger } from '../../observability/logger';
import { hmacHex, newToken } from '../../security/keys';
import type { RateLimiter } from '../../security/rate-limiter';
import type { Store } from '../../store/connect';
import type { OpenCarrierLine } from '../../telephony/carrier';
import type { CallService } from '../call-service';
import { CALL_IN_IDENTIFIED } from '../host-port';
import { IDENTIFY_PROMPTS, type ReferenceVerdict, runIdentify } from './identify';
import { createReferenceCheck } from './reference-check';

/** How long the token in the answer's `<Stream>` waits for its stream (Twilio connects within seconds of the TwiML). */
const RING_TOKEN_TTL_MS = 60_000;
/** Open states a caller is put through to the agent from; `failed` ones only when canReopenForCallIn. */
const RUNNABLE_STATES = new Set(['scheduled']);

export interface CallInDeps {
  store: Pick<Store, 'db'>;
  cases: CaseService;
  calls: Pick<CallService, 'openLink' | 'connect' | 'attach'>;
  identity: Pick<IdentityProvider, 'getContact'>;
  limiter: RateLimiter;
  /** Keys the rate-limit buckets (never a raw number or reference in the table). */
  tokenKey: Buffer;
  clock: Clock;
  /** The recovery policy in force; a function when an admin may change it at run time (read per call). */
  policy: PolicyPreset | (() => PolicyPreset);
  /** AIZUCHI_INBOUND_NUMBER*: the dialled number picks the language; `default` is Japanese unless it is the English one. */
  inboundNumbers: { default: string; ja?: string; en?: string };
  companyName: string;
  openLine: OpenCarrierLine;
  logger: Logger;
  /** Per-call attempts and silence timing (tests). */
  identify?: { maxAttempts?: number; silenceMs?: number };
  /** The line's hourly ceiling on misses by numbers not on record (reference-check.ts STRANGER_MISSES_PER_HOUR). */
  strangerMissesPerHour?: number;
}

interface Ringing {
  readonly call: IncomingCall;
  readonly expiresAt: number;
}

/** The language of a call by the number dialled: AIZUCHI_INBOUND_NUMBER_EN is English, any other number Japanese. */
export function callInLang(to: string, numbers: CallInDeps['inboundNumbers']): Lang {
  if (numbers.en && to === numbers.en) return 'en';
  return 'ja';
}

/**
 * Call-in (issue 8 §5): a customer whose callbacks went unanswered calls the number in the mail.
 * - `incoming.ring` (the carrier's signed incoming-call webhook) keeps the call's leg and caller ID
 *   server-side under a fresh single-use token, valid RING_TOKEN_TTL_MS, held in this process.
 * - `answered` (the media stream with that token) runs the identify dialogue over a voice line; a
 *   reference matches an open `scheduled` case, or a `failed` one whose calls were exhausted less
 *   than CALL_IN_REOPEN_MS ago (reopened, audited). Attempts are rate-limited per caller number, per
 *   reference and, for numbers not on record, for the whole line (reference-check.ts); the caller
 *   never learns which part was wrong.
 * - Phone possession is recorded on the call ONLY when the caller ID equals the case's number on
 *   record (and the account's number now); otherwise the call goes on only under a policy that
 *   needs no phone proof, else a person takes the case over. Then the call runs as a callback.
 * Nothing is written to a case before the match, so a crash mid-identify leaves every case as it was.
 */
export function createCallIn(deps: CallInDeps) {
  const log = deps.logger.child({ component: 'call-in' });
  const ringing = new Map<string, Ringing>();
  const tokenHash = (token: string) => hmacHex(deps.tokenKey, `call-in:${token}`);
  const checkReference = createReferenceCheck(deps);

  const incoming: IncomingCalls = {
    async ring(call) {
      const now = deps.clock.now().getTime();
      for (const [key, r] of ringing) if (r.expiresAt <= now) ringing.delete(key);
      const token = newToken();
      ringing.set(tokenHash(token), { call, expiresAt: now + RING_TOKEN_TTL_MS });
      return { token };
    },
  };

  /** Spends a ring token; null when unknown or expired. */
  function take(token: string): Ringing | null {
    const key = tokenHash(token);
    const r = ringing.get(key);
    ringing.delete(key);
    return r && r.expiresAt > deps.clock.now().getTime() ? r : null;
  }

  async function check(r: Ringing, reference: string): Promise<{ verdict: ReferenceVerdict; row?: CaseRow }> {
    const result = await checkReference(r.call.from, reference);
    if (result.verdict === 'locked') log.warn({ carrierCallId: r.call.leg.carrierCallId }, 'call-in: attempt refused by a rate limit');
    return result;
  }

  /** A person takes the case over (no agent on this call): an escalation when the state allows one, an event either way. */
  async function toPerson(row: CaseRow, r: Ringing, reason: string): Promise<void> {
    await deps.cases.inTransaction(async (trx) => {
      const now = await deps.cases.get(row.id, trx);
      const data = { reason, carrier: r.call.leg.carrier, carrierCallId: r.call.leg.carrierCallId };
      if (now && ['requested', 'scheduled'].includes(now.state))
        await deps.cases.transition(trx, row.id, 'escalated', 'call_in_needs_person', data);
      else await deps.cases.record(trx, row.id, 'call_in_needs_person', data);
    });
  }

  /** Matched: the phone evidence, then either a person or the case's call over this line. */
  async function putThrough(r: Ringing, row: CaseRow, line: CallChannel, lang: Lang): Promise<void> {
    // Read outside any transaction: the identity provider may be a remote service.
    const contact = row.account_id ? await deps.identity.getContact(row.account_id) : null;
    const fromRecord =
      r.call.from !== null && row.phone_on_record === 1 && r.call.from === row.phone_e164 && contact?.phoneE164 === row.phone_e164;
    const runnable = RUNNABLE_STATES.has(row.state) || canReopenForCallIn(row, deps.clock.now());
    const policy = typeof deps.policy === 'function' ? deps.policy() : deps.policy;
    const needsPhone = policy.requiredProofs.includes('phone_possession');
    if (!contact || !runnable || (needsPhone && !fromRecord)) {
      await toPerson(row, r, !contact ? 'system_error' : !runnable ? `case_${row.state}` : 'phone_not_on_record');
      line.agentSays(IDENTIFY_PROMPTS[lang].person, 'prompt');
      line.end('escalated');
      line.close('ended');
      return;
    }
    const { leg } = r.call;
    const token = await deps.cases.inTransaction(async (trx) => {
      let current = await deps.cases.get(row.id, trx);
      if (current?.state === 'failed') {
        current = await deps.cases.reopenForCallIn(trx, row.id, 'case_reopened_call_in', {
          carrier: leg.carrier,
          carrierCallId: leg.carrierCallId,
        });
      }
      if (!current || current.state !== 'scheduled') return null;
      const attempt = current.call_attempts + 1;
      await deps.cases.transition(
        trx,
        row.id,
        'calling',
        'call_started',
        { attempt, inbound: true, provesPhonePossession: fromRecord },
        { call_attempts: attempt },
      );
      const started = await deps.calls.openLink(trx, row.id, leg.carrier, { provesPhonePossession: fromRecord });
      await trx
        .updateTable('calls')
        .set({ carrier: leg.carrier, carrier_call_id: leg.carrierCallId })
        .where('id', '=', started.callId)
        .execute();
      await deps.cases.record(trx, row.id, CALL_IN_IDENTIFIED, {
        callId: started.callId,
        carrier: leg.carrier,
        carrierCallId: leg.carrierCallId,
        callerIsNumberOnRecord: fromRecord,
      });
      // The link's single-use token, spent at once below (never shown or logged).
      return new URL(started.url).searchParams.get('token');
    });
    const connected = token ? await deps.calls.connect(token, leg) : null;
    if (!connected?.ok) {
      log.warn({ caseId: row.id }, 'call-in: the case moved on while the caller was identified');
      line.agentSays(IDENTIFY_PROMPTS[lang].person, 'prompt');
      line.end('escalated');
      line.close('ended');
      return;
    }
    await deps.calls.attach(connected.connected, line);
  }

  async function run(r: Ringing, audio: AudioChannel, provisionalId: string): Promise<void> {
    const lang = callInLang(r.call.to, deps.inboundNumbers);
    // Not recorded while nobody is identified: no case, so no recording consent to go by.
    const line = await deps.openLine({ callId: provisionalId, caseId: '', lang, recordingAllowed: false, audio });
    let matched: CaseRow | undefined;
    const result = await runIdentify({
      channel: line,
      lang,
      companyName: deps.companyName,
      ...deps.identify,
      check: async (reference) => {
        const { verdict, row } = await check(r, reference);
        matched = row;
        return verdict;
      },
    });
    if (result.kind === 'hangup') return line.close('shutdown');
    if (result.kind === 'failed' || !matched) {
      log.info({ carrierCallId: r.call.leg.carrierCallId, why: result.kind === 'failed' ? result.why : 'none' }, 'call-in: not identified');
      line.end('abandoned');
      return line.close('ended');
    }
    await putThrough(r, matched, line, lang);
  }

  const answered: CarrierEvents['answered'] = async (mediaToken, audio, leg) => {
    const r = take(mediaToken);
    // The token is bound to the call it was issued for (it sits in the carrier's logged TwiML): a
    // stream naming another call, or none (Plivo/Exotel/Vonage framing, a start without callSid), does not get it.
    if (!r || !leg || leg.carrier !== r.call.leg.carrier || leg.carrierCallId !== r.call.leg.carrierCallId) {
      return { ok: false, reason: 'unknown' };
    }
    const provisionalId = randomUUID();
    void run(r, audio, provisionalId).catch((err: unknown) => {
      log.error({ carrierCallId: r.call.leg.carrierCallId, ...errorFields(err) }, 'call-in failed');
      audio.close('error');
    });
    return { ok: true, callId: provisionalId };
  };

  return {
    incoming,
    /** Whether a media token is a call-in one (its stream goes to `answered` here, not to the carrier call service). */
    owns: (mediaToken: string) => ringing.has(tokenHash(mediaToken)),
    answered,
    /** Incoming calls waiting for their stream. */
    ringingCount: () => ringing.size,
  };
}

export type CallIn = ReturnType<typeof createCallIn>;

/** CarrierEvents that send call-in streams to `callIn` and everything else to the carrier call service's events. */
export function withCallIn(events: CarrierEvents, callIn: CallIn): CarrierEvents {
  return {
    progress: (leg, progress) => events.progress(leg, progress),
    answered: (token, audio, leg) => (callIn.owns(token) ? callIn.answered(token, audio, leg) : events.answered(token, audio, leg)),
  };
}
