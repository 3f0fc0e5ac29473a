import type { CallProgress, CarrierLeg } from '../../channels/carrier';
import type { StoreTransaction } from '../../jobs/queue';
import type { CallsTable } from '../../store/schema';

/**
 * How far the outbound-call job got with one attempt (calls.dial_state):
 * - `queued`: the dial's transaction committed the call row and the job; nothing was sent yet.
 * - `placing`: committed right before Carrier.place; a job that finds it again cannot know whether
 *   the vendor accepted the call, so it never dials again (the attempt becomes `unknown`).
 * - `placed`: the carrier's leg id is recorded; progress and media are matched by it.
 * - `unknown` / `failed`: the attempt ended without a leg; the retry policy books a new attempt.
 */
export type DialState = 'queued' | 'placing' | 'placed' | 'unknown' | 'failed';

/** Progress steps in the order a call goes through them: a step only ever moves forward (calls.carrier_progress). */
const PROGRESS_ORDER = ['initiated', 'ringing', 'answered', 'machine', 'ended'] as const;
export type ProgressStep = (typeof PROGRESS_ORDER)[number];

/** The steps a row may be at for `step` to be an advance. */
function stepsBefore(step: ProgressStep): ProgressStep[] {
  return PROGRESS_ORDER.slice(0, PROGRESS_ORDER.indexOf(step));
}

export type CarrierCallRow = Pick<
  CallsTable,
  'id' | 'case_id' | 'state' | 'channel' | 'carrier' | 'carrier_call_id' | 'dial_state' | 'carrier_progress'
>;

const COLUMNS = ['id', 'case_id', 'state', 'channel', 'carrier', 'carrier_call_id', 'dial_state', 'carrier_progress'] as const;

/** The calls table's carrier columns (migration 005); every write is conditional, so repeats and races change nothing. */
export const carrierCallRows = {
  async get(db: StoreTransaction, callId: string): Promise<CarrierCallRow | undefined> {
    return db.selectFrom('calls').select(COLUMNS).where('id', '=', callId).executeTakeFirst();
  },

  /** The call a carrier's leg id names, or undefined (another deployment's call, or a forged id). */
  async byLeg(db: StoreTransaction, leg: CarrierLeg): Promise<CarrierCallRow | undefined> {
    if (typeof leg.carrierCallId !== 'string' || leg.carrierCallId === '' || leg.carrierCallId.length > 200) return undefined;
    return db
      .selectFrom('calls')
      .select(COLUMNS)
      .where('carrier', '=', leg.carrier)
      .where('carrier_call_id', '=', leg.carrierCallId)
      .executeTakeFirst();
  },

  /** The dial's transaction: this call goes out through `carrier`, not yet sent. */
  async markQueued(trx: StoreTransaction, callId: string, carrier: string): Promise<void> {
    await trx.updateTable('calls').set({ carrier, dial_state: 'queued' }).where('id', '=', callId).execute();
  },

  /** Moves the dial state `from` → `to` (only a pending call may start placing); false when the row was elsewhere. */
  async moveDialState(trx: StoreTransaction, callId: string, from: DialState, to: DialState): Promise<boolean> {
    let q = trx.updateTable('calls').set({ dial_state: to }).where('id', '=', callId).where('dial_state', '=', from);
    if (to === 'placing') q = q.where('state', '=', 'pending');
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** The carrier accepted the call: its leg id, once. */
  async markPlaced(trx: StoreTransaction, callId: string, leg: CarrierLeg): Promise<boolean> {
    const res = await trx
      .updateTable('calls')
      .set({ dial_state: 'placed', carrier: leg.carrier, carrier_call_id: leg.carrierCallId })
      .where('id', '=', callId)
      .where('dial_state', '=', 'placing')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** Records `step` when it is further than the row's progress; false for a repeat or a late, earlier step. */
  async advance(trx: StoreTransaction, callId: string, step: ProgressStep): Promise<boolean> {
    const before = stepsBefore(step);
    const res = await trx
      .updateTable('calls')
      .set({ carrier_progress: step })
      .where('id', '=', callId)
      .where((eb) =>
        before.length > 0
          ? eb.or([eb('carrier_progress', 'is', null), eb('carrier_progress', 'in', before)])
          : eb('carrier_progress', 'is', null),
      )
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },
};

/** The stored step for a progress report. */
export function progressStep(progress: CallProgress): ProgressStep {
  return progress.kind;
}

/**
 * The case event for a progress report: `call_ringing`, `call_answered`, `call_machine`, and for the
 * end `call_completed`, `call_busy`, `call_no_answer`, `call_failed`, `call_cancelled`.
 */
export function progressEventKind(progress: CallProgress): string {
  return progress.kind === 'ended' ? `call_${progress.result}` : `call_${progress.kind}`;
}
