import type { AudioChannel } from '../../channels/audio-channel';
import type { Lang } from '../../domain/lang';
import type { FrameClock } from '../voice/frame-clock';
import { type AudioBridge, type BridgeEnd, bridgeAudio } from './audio-bridge';
import { holdAudio } from './hold-audio';
import type { OfferAttempt, OperatorDesk, TransferOffer } from './operator-desk';

/** Case events a transfer writes (who was offered the call, who took it, when, how it ended). */
export type TransferEventKind = 'transfer_offered' | 'transfer_answer' | 'transfer_connected' | 'transfer_ended' | 'transfer_fallback';

/** Why the call went to the queue instead of a person. */
export type FallbackReason = 'nobody_available' | 'nobody_accepted' | 'operator_lost';

export interface TransferDeps {
  desk: OperatorDesk;
  /** Paces the hold audio (the process's 20 ms playout clock). */
  clock: FrameClock;
  /** Writes one case event; data holds ids, results and times, never the transcript. */
  record(kind: TransferEventKind, data: Record<string, string | number | boolean | null>): Promise<void>;
  /** Puts the case in the escalation queue and says when a person will call back (null: no time yet). */
  queue(reason: FallbackReason | 'caller_left'): Promise<{ callbackAt: Date | null }>;
  /** Speaks to the caller on their line (synthesised in their language); resolves when it has played. */
  say(text: string): Promise<void>;
  /** Formats the callback time for speech in the business time zone. */
  speakTime(at: Date, lang: Lang): string;
  ringMs?: number;
  /** A take-over: offer the call to this operator only. */
  only?: string;
}

export type TransferResult =
  | { connected: true; operatorId: string; bridge: AudioBridge; attempts: OfferAttempt[]; done: Promise<BridgeEnd> }
  | { connected: false; reason: FallbackReason | 'caller_left'; attempts: OfferAttempt[] };

/** What the caller hears, in their language. */
export const TRANSFER_WORDS: Record<Lang, { fallback(at: string | null): string; operatorLost(at: string | null): string }> = {
  ja: {
    fallback: (at) =>
      at
        ? `申し訳ございません。ただいま担当者におつなぎできません。${at}ごろに担当者からお電話いたします。お電話ありがとうございました。`
        : '申し訳ございません。ただいま担当者におつなぎできません。担当者から改めてご連絡いたします。お電話ありがとうございました。',
    operatorLost: (at) =>
      at
        ? `申し訳ございません。担当者との通話が途切れました。${at}ごろに担当者からお電話いたします。`
        : '申し訳ございません。担当者との通話が途切れました。担当者から改めてご連絡いたします。',
  },
  en: {
    fallback: (at) =>
      at
        ? `I'm sorry, nobody can take your call right now. A member of our team will call you back around ${at}. Thank you for calling.`
        : "I'm sorry, nobody can take your call right now. A member of our team will contact you. Thank you for calling.",
    operatorLost: (at) =>
      at
        ? `I'm sorry, we lost the connection to our team member. They will call you back around ${at}.`
        : "I'm sorry, we lost the connection to our team member. They will contact you again.",
  },
};

/**
 * A warm transfer of a caller's line to an operator's console (issue 10). The caller hears hold
 * audio while operators are offered the call in turn (OperatorDesk.offer: the case, the summary,
 * the transcript); on accept the lines are bridged both ways. Nobody free or everyone declining →
 * the case is queued, the caller told when a person will call back, and the line closed. An
 * operator lost mid-call (browser closed) → the same, with words saying the connection dropped.
 * The caller's line must no longer feed anyone else (the agent has stopped; its voice bridge released it).
 * Nothing here runs inside a database transaction; `record` and `queue` open their own.
 */
export async function transferCall(caller: AudioChannel, offer: TransferOffer, deps: TransferDeps): Promise<TransferResult> {
  const abort = new AbortController();
  caller.onClose(() => abort.abort());
  await deps.record('transfer_offered', { callId: offer.callId, reason: offer.reason, available: deps.desk.availableCount() });

  const hold = holdAudio(caller.sampleRateHz);
  const stopHold = deps.clock.subscribe(() => {
    if (!abort.signal.aborted) caller.sendFrame(hold.next());
  });
  let attempts: OfferAttempt[];
  let taken;
  try {
    ({ attempts, taken } = await deps.desk.offer(offer, {
      ...(deps.ringMs ? { ringMs: deps.ringMs } : {}),
      ...(deps.only ? { only: deps.only } : {}),
      signal: abort.signal,
    }));
  } finally {
    stopHold();
  }
  for (const a of attempts)
    await deps.record('transfer_answer', {
      callId: offer.callId,
      operatorId: a.operatorId,
      result: a.result,
      at: new Date(a.at).toISOString(),
    });

  if (abort.signal.aborted) {
    // The caller hung up while on hold; an operator who accepted in the same moment gets their line back.
    taken?.line.close('caller_hangup');
    await deps.record('transfer_fallback', { callId: offer.callId, reason: 'caller_left' });
    await deps.queue('caller_left');
    return { connected: false, reason: 'caller_left', attempts };
  }
  if (!taken) {
    const reason: FallbackReason = attempts.length === 0 ? 'nobody_available' : 'nobody_accepted';
    await fallback(caller, offer, deps, reason);
    return { connected: false, reason, attempts };
  }

  const bridge = bridgeAudio(caller, taken.line);
  const operatorId = taken.operatorId;
  await deps.record('transfer_connected', { callId: offer.callId, operatorId });
  const done = bridge.ended.then(async (end) => {
    await deps.record('transfer_ended', { callId: offer.callId, operatorId, by: end.by, reason: end.reason, ...bridge.stats() });
    if (end.by === 'operator' && end.lost) await fallback(caller, offer, deps, 'operator_lost');
    return end;
  });
  return { connected: true, operatorId, bridge, attempts, done };
}

async function fallback(caller: AudioChannel, offer: TransferOffer, deps: TransferDeps, reason: FallbackReason): Promise<void> {
  const { callbackAt } = await deps.queue(reason);
  await deps.record('transfer_fallback', { callId: offer.callId, reason, callbackAt: callbackAt?.toISOString() ?? null });
  const at = callbackAt ? deps.speakTime(callbackAt, offer.lang) : null;
  const words = TRANSFER_WORDS[offer.lang];
  await deps.say(reason === 'operator_lost' ? words.operatorLost(at) : words.fallback(at));
  caller.close('transfer_fallback');
}
