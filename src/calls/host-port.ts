import crypto from 'node:crypto';
import type { AgentEventKind, EventData, HostPort, ResetResult } from '../agent';
import type { CaseService } from '../cases/case-service';
import type { Clock } from '../domain/clock';
import { type PolicyPreset, type ResetFacts, decideReset, proofsFromEvidence } from '../domain/policy';
import type { IdentityContact, IdentityProvider } from '../identity/provider';
import type { Store } from '../store/connect';
import type { MfaReset } from './mfa-reset';
import type { CodeSubject, VerificationStore } from './verification-store';

/** The case event the call-in service writes when a caller calling in was matched to the case (call-in/call-in-service.ts). */
export const CALL_IN_IDENTIFIED = 'call_in_identified';

export interface CallFacts extends CodeSubject {
  callId: string;
}

export interface HostPortDeps {
  store: Store;
  cases: CaseService;
  identity: IdentityProvider;
  verification: VerificationStore;
  reset: MfaReset;
  policy: PolicyPreset;
  calendar: { nextOpen(from: Date): Date };
  clock: Clock;
  /** Earliest callback after "call me later" (AIZUCHI_CALLBACK_RETRY_DELAY_MIN). */
  callbackDelayMs: number;
}

/** What the host learned on the call, for ending it. */
export interface CallState {
  codeVerified: boolean;
  riskFlags: Set<string>;
  callbackAt: Date | null;
  escalation: string | null;
}

/** Equal-time comparison of two addresses (the agent answers a mismatch and an unknown alike). */
function sameAddress(a: string, b: string): boolean {
  const digest = (s: string) => crypto.createHash('sha256').update(s.trim().toLowerCase()).digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}

/**
 * The agent's HostPort against the real store, identity provider, mail queue and policy. The agent
 * asks; this decides: resetMfa gathers verified facts from the database and this call, and only
 * `decideReset` says whether the account changes.
 */
/** The password evidence the case was opened with (`case_opened`'s `evidence`, cases/recovery-request.ts), if any. */
function openedWith(history: ReadonlyArray<{ kind: string; data: string }>): string | undefined {
  const opened = history.find((e) => e.kind === 'case_opened');
  if (!opened) return undefined;
  const data = JSON.parse(opened.data) as { evidence?: unknown };
  return typeof data.evidence === 'string' ? data.evidence : undefined;
}

export function createHostPort(deps: HostPortDeps, call: CallFacts, contact: IdentityContact): { port: HostPort; state: CallState } {
  const state: CallState = { codeVerified: false, riskFlags: new Set(), callbackAt: null, escalation: null };
  const subject: CodeSubject = { caseId: call.caseId, accountId: call.accountId, email: contact.email, lang: call.lang };

  async function record(kind: string, data: Record<string, unknown>): Promise<void> {
    await deps.cases.inTransaction((trx) => deps.cases.record(trx, call.caseId, kind, { callId: call.callId, ...data }));
  }

  const port: HostPort = {
    async checkEmail(email) {
      return sameAddress(email, contact.email);
    },

    sendCode: () => deps.verification.send(subject),

    async checkCode(digits) {
      const result = await deps.verification.check(subject, digits);
      if (result === 'ok') state.codeVerified = true;
      return result;
    },

    async resetMfa(): Promise<ResetResult> {
      const row = await deps.cases.require(call.caseId);
      const fresh = await deps.identity.getContact(call.accountId);
      const recent = await deps.cases.recentCasesForAccount(call.accountId, deps.policy.recentRecoveryWindowMs, call.caseId);
      const history = await deps.cases.history(call.caseId);
      // The dialer's capability as recorded when this call was placed; a missing row proves nothing.
      const placed = await deps.store.db
        .selectFrom('calls')
        .select('proves_phone_possession')
        .where('id', '=', call.callId)
        .executeTakeFirst();
      const numberOnRecord = fresh !== null && fresh.phoneE164 === row.phone_e164;
      const operatorApprovedNumber = history.some((e) => e.kind === 'operator_approved');
      const proofs = proofsFromEvidence({
        passwordVerifiedAtRequest: row.assurance === 'password_verified',
        passwordSource: openedWith(history) === 'signed_handoff' ? 'signed_handoff' : 'request_password',
        placedByPossessionDialer: placed?.proves_phone_possession === 1,
        inboundCall: history.some(
          (e) => e.kind === CALL_IN_IDENTIFIED && (JSON.parse(e.data) as { callId?: unknown }).callId === call.callId,
        ),
        callToNumberOnRecord: numberOnRecord,
        operatorApprovedNumber,
        codeVerifiedOnCall: state.codeVerified,
      });
      const facts: ResetFacts = {
        proofs,
        phoneOnRecord: row.phone_on_record === 1 && numberOnRecord,
        operatorApprovedNumber,
        otherRecentRecovery: recent.length > 0,
        failedCodeAttempts: await deps.verification.failedAttemptsForCase(call.caseId, deps.store.db),
        // Flags of earlier calls of the case too: a call cut off (process killed, drain over) before its
        // hand-over committed leaves the case booked again, and the next call starts with none in memory.
        contactChangeRequested: state.riskFlags.size > 0 || history.some((e) => e.kind === 'agent_risk_flag'),
        privilegedAccount: fresh?.privileged ?? true,
      };
      const decision = decideReset(facts, deps.policy);
      await record('reset_decision', {
        policy: deps.policy.name,
        decision: decision.action,
        ...(decision.action === 'needs_person' ? { reasons: decision.reasons } : {}),
        facts,
      });
      if (decision.action === 'needs_person' || !fresh) return 'needs_person';
      if (decision.action === 'cooling_off') {
        await deps.reset.schedule(call.caseId, decision.delayMs);
        return 'cooling_off';
      }
      await deps.reset.perform(call.caseId, call.accountId, fresh, 'agent');
      return 'reset';
    },

    async reschedule() {
      const at = deps.calendar.nextOpen(new Date(deps.clock.now().getTime() + deps.callbackDelayMs));
      state.callbackAt = at;
      return { at };
    },

    async escalate(reason) {
      state.escalation = reason;
      await record('escalation_requested', { reason });
    },

    async recordEvent(kind: AgentEventKind, data: EventData) {
      if (kind === 'risk_flag') state.riskFlags.add(String(data.kind ?? 'unknown'));
      // call_ended is written by the session with the case change, in one transaction.
      if (kind === 'call_ended') return;
      await record(`agent_${kind}`, data);
    },
  };
  return { port, state };
}
