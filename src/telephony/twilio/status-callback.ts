import type { CallProgress } from '../../channels/carrier';

/**
 * Twilio's status-callback and async-AMD fields → aizuchi's CallProgress.
 *
 * `CallStatus` (TELEPHONY.md §1.2): queued/initiated → initiated, ringing → ringing,
 * in-progress → answered, and the terminal ones completed/busy/no-answer/failed/canceled → ended.
 * `AnsweredBy` (§6): machine_start, machine_end_beep|silence|other and fax are not a person →
 * `machine` (carrier AMD); human and unknown say nothing (unknown = not enough speech to decide,
 * so the call goes on and the greeting heuristic may still decide).
 *
 * Returns the steps in the order they happened (a completed callback that carries a machine
 * verdict gives `machine` then `ended`); an empty list for a value we do not act on.
 */
export function twilioProgress(params: Record<string, string | undefined>): CallProgress[] {
  const steps: CallProgress[] = [];
  const answeredBy = params.AnsweredBy;
  if (answeredBy && (answeredBy.startsWith('machine') || answeredBy === 'fax')) {
    steps.push({ kind: 'machine', source: 'carrier_amd' });
  }
  const status = params.CallStatus;
  const sip = Number(params.SipResponseCode);
  const sipCode = Number.isInteger(sip) && sip >= 100 && sip < 700 ? { sipCode: sip } : {};
  switch (status) {
    case 'queued':
    case 'initiated':
      steps.push({ kind: 'initiated' });
      break;
    case 'ringing':
      steps.push({ kind: 'ringing' });
      break;
    case 'in-progress':
      // The AMD callback repeats no CallStatus; the answered one does.
      steps.unshift({ kind: 'answered' });
      break;
    case 'completed':
      steps.push({ kind: 'ended', result: 'completed', ...sipCode });
      break;
    case 'busy':
      steps.push({ kind: 'ended', result: 'busy', ...sipCode });
      break;
    case 'no-answer':
      steps.push({ kind: 'ended', result: 'no_answer', ...sipCode });
      break;
    case 'failed':
      steps.push({ kind: 'ended', result: 'failed', ...sipCode });
      break;
    case 'canceled':
      steps.push({ kind: 'ended', result: 'cancelled', ...sipCode });
      break;
    default:
      break;
  }
  return steps;
}
