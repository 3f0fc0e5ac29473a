import type { AudioChannel } from '../../channels/audio-channel';
import type { CaseService } from '../../cases/case-service';
import { factWords, summarizeCall } from '../../cases/escalations/call-summary';
import { openEscalationOf } from '../../cases/escalations/escalation-rows';
import type { Clock } from '../../domain/clock';
import { LANGS, type Lang } from '../../domain/lang';
import type { Logger } from '../../observability/logger';
import type { Synthesizer } from '../../speech/synthesizer';
import { promptsFor } from '../../agent/prompts';
import { speakOnLine } from '../../telephony/carrier';
import type { LiveLine } from '../live/live-calls';
import type { FrameClock } from '../voice/frame-clock';
import type { OperatorDesk } from './operator-desk';
import { type FallbackReason, transferCall } from './transfer-call';

export interface LiveTransferDeps {
  desk: OperatorDesk;
  cases: CaseService;
  calendar: { isOpen(at: Date): boolean; nextOpen(from: Date): Date };
  clock: Clock;
  timeZone: string;
  /** AIZUCHI_ESCALATION_SLA_MIN in ms: a person calls back within it (or at the next opening after it). */
  personDelayMs: number;
  /** The voice engines' synthesizer and 20 ms clock (loaded with the first voice call). */
  voice(): Promise<{ synthesizer: Synthesizer; clock: FrameClock }>;
  logger: Logger;
  ringMs?: number;
}

/** One call's view of the live transfer; CallService.attach builds it and the session drives it. */
export interface CallHandOver {
  /** HostPort.handOver: a person now (inside hours, an operator free, a line that can be handed over) or a time. */
  decide(): { transfer: boolean; callbackAt: Date };
  /** The agent promised a transfer; the session hands the line over instead of hanging up. */
  pending(): boolean;
  /** When a person will call back (what the caller was or will be told), once decided. */
  callbackAt(): Date | null;
  /** Runs the transfer in the background (null: the caller hung up before it began). */
  start(audio: AudioChannel | null): void;
  /** Resolves when a started transfer is over (tests, shutdown). */
  settled(): Promise<void>;
  /**
   * An operator takes the call over from the console (issue 10): the next hand-over is a transfer
   * offered to this operator only, whatever the hours. `no_softphone`: their console softphone is
   * not open (or busy) in this process; `cannot_hand_off`: a text line; `already`: a hand-over is
   * already decided.
   */
  aimAt(operatorId: string): 'ok' | 'no_softphone' | 'cannot_hand_off' | 'already';
}

export interface TransferCallInfo {
  callId: string;
  caseId: string;
  lang: Lang;
  /** Masked. */
  customer: string;
  canHandOff: boolean;
  /** Stored transcript lines so far (after the transcript guard). */
  lines(): Promise<LiveLine[]>;
  /** Queues the "a person will contact you from …" mail (escalation-notices handedOver) in its own transaction. */
  mailHandedOver(from: Date): Promise<void>;
  /** The caller is now talking with this operator (the live view shows it until the call ends). */
  connected?(operatorId: string): void;
}

/**
 * Live transfer from the voice call (issue 10): when the caller asks for a person inside business
 * hours and an operator's console softphone is free, the agent says it is putting them through, the
 * call's outcome (`escalated`, caller_request; operator_takeover when an operator aimed it with Take over) is stored as for any hand-over, and the line goes to
 * transferCall (hold chime, warm offer, bridge). The operator who takes it holds the case's
 * escalation (`escalation_claimed`, by: transfer). Nobody takes it → the queue, the caller hears when
 * a person will call back, and the hand-over mail goes out with that time. Outside hours or nobody
 * free the agent says that time itself and the session's usual end mails it.
 */
export function createLiveTransfer(deps: LiveTransferDeps) {
  const log = deps.logger.child({ component: 'live-transfer' });

  const personCallbackAt = (): Date => deps.calendar.nextOpen(new Date(deps.clock.now().getTime() + deps.personDelayMs));

  async function record(caseId: string, kind: string, data: Record<string, unknown>): Promise<void> {
    await deps.cases.inTransaction((trx) => deps.cases.record(trx, caseId, kind, data));
  }

  /** The summary in every console language: the operator reads it in theirs, whatever the call's. */
  async function summaries(caseId: string): Promise<Record<Lang, string>> {
    const row = await deps.cases.get(caseId);
    const form = row ? { recordingConsent: row.recording_consent === 1 } : undefined;
    const facts = summarizeCall(await deps.cases.history(caseId), form).facts;
    const said = (lang: Lang) =>
      facts
        .map((f) => factWords(f, lang))
        .map((w) => `${w.label}: ${w.value}`)
        .join(lang === 'ja' ? '、' : '; ');
    return Object.fromEntries(LANGS.map((l) => [l, said(l)])) as Record<Lang, string>;
  }

  /** The open escalation now belongs to the operator who took the call (unless someone already holds it). */
  async function claimFor(caseId: string, operatorId: string): Promise<void> {
    await deps.cases.inTransaction(async (trx) => {
      const open = await openEscalationOf(trx, caseId);
      if (!open) return;
      const res = await trx
        .updateTable('escalations')
        .set({ claimed_by: operatorId, claimed_at: deps.clock.now().toISOString() })
        .where('id', '=', open.id)
        .where('claimed_by', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) {
        await deps.cases.record(trx, caseId, 'escalation_claimed', { escalationId: open.id, operatorId, by: 'transfer' });
      }
    });
  }

  function forCall(call: TransferCallInfo): CallHandOver {
    let plan: { transfer: boolean; callbackAt: Date } | null = null;
    let aimed: string | null = null;
    let running: Promise<void> = Promise.resolve();

    async function run(audio: AudioChannel | null, callbackAt: Date): Promise<void> {
      if (!audio) {
        await record(call.caseId, 'transfer_fallback', { callId: call.callId, reason: 'caller_left' });
        await call.mailHandedOver(callbackAt);
        return;
      }
      const voice = await deps.voice();
      const p = promptsFor(call.lang);
      const result = await transferCall(
        audio,
        {
          callId: call.callId,
          caseId: call.caseId,
          lang: call.lang,
          customer: call.customer,
          reason: aimed ? 'operator_takeover' : 'caller_request',
          ...(await summaries(call.caseId).then((s) => ({ summary: s[call.lang], summaries: s }))),
          lines: await call.lines(),
        },
        {
          desk: deps.desk,
          clock: voice.clock,
          ...(deps.ringMs ? { ringMs: deps.ringMs } : {}),
          record: (kind, data) => record(call.caseId, kind, data),
          queue: async (_reason: FallbackReason | 'caller_left') => {
            await call.mailHandedOver(callbackAt);
            return { callbackAt };
          },
          say: (text) => speakOnLine({ synthesizer: voice.synthesizer, pacer: voice.clock }, audio, text, call.lang),
          speakTime: (at) => p.formatCallbackTime(at, deps.timeZone),
          ...(aimed ? { only: aimed } : {}),
        },
      );
      if (!result.connected) return;
      call.connected?.(result.operatorId);
      await claimFor(call.caseId, result.operatorId);
      await result.done;
    }

    return {
      decide() {
        const now = deps.clock.now();
        // A take-over was the operator's own choice: hours and the general queue do not apply.
        const transfer = aimed
          ? call.canHandOff && deps.desk.isAvailable(aimed)
          : call.canHandOff && deps.calendar.isOpen(now) && deps.desk.availableCount() > 0;
        plan = { transfer, callbackAt: personCallbackAt() };
        return plan;
      },
      pending: () => plan?.transfer === true,
      callbackAt: () => plan?.callbackAt ?? null,
      start(audio) {
        const callbackAt = plan?.callbackAt ?? personCallbackAt();
        running = run(audio, callbackAt).catch((err: unknown) => {
          log.error({ callId: call.callId, err: (err as Error)?.name }, 'live transfer failed');
          audio?.close('transfer_failed');
        });
      },
      settled: () => running,
      aimAt(operatorId) {
        if (!call.canHandOff) return 'cannot_hand_off';
        if (plan || aimed) return 'already';
        if (!deps.desk.isAvailable(operatorId)) return 'no_softphone';
        aimed = operatorId;
        return 'ok';
      },
    };
  }

  return { forCall };
}

export type LiveTransfer = ReturnType<typeof createLiveTransfer>;
