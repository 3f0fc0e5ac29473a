import type { Outcome, OutcomeDetail } from '../../agent';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallChannel } from '../../channels/call-channel';
import type { CarrierLeg } from '../../channels/carrier';
import type { Lang } from '../../domain/lang';
import type { StoreTransaction } from '../../jobs/queue';

/*
 * What carrier calls need from the case and call services (src/cases, src/calls), which sit above
 * telephony in the area order: the composition root hands them in, as it does for the softphone.
 * Method syntax on purpose: the services type their arguments more narrowly.
 */

/** A case as carrier calls read it (CaseRow's columns by the same names). */
export interface CarrierCaseRow {
  id: string;
  state: string;
  lang: string;
  /** The number on record (E.164): the only number a carrier call rings. */
  phone_e164: string;
  call_attempts: number;
}

/** The slice of the case service carrier calls use. */
export interface CarrierCaseBackend {
  get(caseId: string, trx?: StoreTransaction): Promise<CarrierCaseRow | undefined>;
  /** Appends an event to the case's history (the audit chain), inside `trx`. */
  record(trx: StoreTransaction, caseId: string, kind: string, data: Record<string, unknown>): Promise<unknown>;
  inTransaction<T>(fn: (trx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Takes the case's lock (the audit chain's, first in the one lock order) inside a transaction
   * opened elsewhere, a job's completion, before writing the case's call row (CaseService.lockCase).
   */
  lockCase(trx: StoreTransaction, caseId: string): Promise<void>;
}

/** What a connected call must show (CallService.connect's `connected`). */
export interface ConnectedCarrierCall {
  call: { id: string };
  caseRow: { id: string; lang: string; recording_consent: number };
}

/** The slice of the call service carrier calls use (src/calls/call-service.ts). */
export interface CarrierCallBackend<Connected extends ConnectedCarrierCall> {
  openLink(
    trx: StoreTransaction,
    caseId: string,
    channel: string,
    dialer: { provesPhonePossession: boolean },
  ): Promise<{ callId: string; url: string }>;
  reissueToken(trx: StoreTransaction, callId: string): Promise<string | null>;
  /**
   * Spends the media token for the media naming `leg`; `unplaced` when the call's leg id is not
   * written yet (not spent; try again shortly), `unknown` also for another leg's media (not spent).
   */
  connect(
    token: string,
    leg?: CarrierLeg | null,
  ): Promise<{ ok: true; connected: Connected } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'closed' | 'unplaced' }>;
  attach(connected: Connected, channel: CallChannel): Promise<{ detach(): void }>;
  finish(callId: string, outcome: Outcome, detail: OutcomeDetail | null, state: null): Promise<void>;
}

/** Builds the voice line (voice bridge: VAD, DTMF, recognizer, synthesizer, recording) over a carrier's audio. */
export type OpenCarrierLine = (args: {
  callId: string;
  caseId: string;
  lang: Lang;
  recordingAllowed: boolean;
  audio: AudioChannel;
}) => Promise<CallChannel>;
