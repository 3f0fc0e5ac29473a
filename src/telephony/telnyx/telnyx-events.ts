import type { CallProgress } from '../../channels/carrier';

/** The part of a Call Control webhook we read (`{"data": {"event_type", "payload": {…}}}`). */
export interface TelnyxWebhookData {
  readonly event_type: string;
  readonly payload: {
    readonly call_control_id: string;
    readonly hangup_cause?: string;
    readonly sip_hangup_cause?: string;
    readonly result?: string;
  };
}

/**
 * Telnyx `hangup_cause` → how the attempt ended (the SDK's CallHangup payload enum):
 * normal_clearing / time_limit → completed; user_busy / call_rejected → busy; timeout / no_answer
 * → no_answer; originator_cancel → cancelled (we hung up before an answer); anything else
 * (not_found, unspecified, new values) → failed.
 */
const HANGUP: Record<string, 'completed' | 'busy' | 'no_answer' | 'cancelled'> = {
  normal_clearing: 'completed',
  time_limit: 'completed',
  user_busy: 'busy',
  call_rejected: 'busy',
  timeout: 'no_answer',
  no_answer: 'no_answer',
  originator_cancel: 'cancelled',
};

/**
 * Call Control events → CallProgress (TELEPHONY.md §2.1, §6): call.initiated → initiated,
 * call.answered → answered, call.hangup → ended (with the SIP cause when numeric),
 * call.machine.detection.ended `machine` and call.machine.premium.detection.ended
 * `machine`/`fax_detected` → machine, call.machine[.premium].greeting.ended (only sent after a
 * machine verdict) → machine. Human, not_sure and silence verdicts, streaming.* and other events
 * say nothing ([]).
 */
export function telnyxProgress(data: TelnyxWebhookData): CallProgress[] {
  const p = data.payload;
  switch (data.event_type) {
    case 'call.initiated':
      return [{ kind: 'initiated' }];
    case 'call.answered':
      return [{ kind: 'answered' }];
    case 'call.hangup': {
      const sip = Number(p.sip_hangup_cause);
      const sipCode = Number.isInteger(sip) && sip >= 100 && sip < 700 ? { sipCode: sip } : {};
      return [{ kind: 'ended', result: HANGUP[p.hangup_cause ?? ''] ?? 'failed', ...sipCode }];
    }
    case 'call.machine.detection.ended':
    case 'call.machine.premium.detection.ended':
      return p.result === 'machine' || p.result === 'fax_detected' ? [{ kind: 'machine', source: 'carrier_amd' }] : [];
    case 'call.machine.greeting.ended':
    case 'call.machine.premium.greeting.ended':
      return [{ kind: 'machine', source: 'carrier_amd' }];
    default:
      return [];
  }
}
