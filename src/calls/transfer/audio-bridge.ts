import type { AudioChannel } from '../../channels/audio-channel';
import type { AudioFrame } from '../../media/frame';
import { Reframer } from '../../media/reframer';
import { StreamingResampler } from '../../media/resampler';

/** Why a bridge ended, as the transfer records it (a case event) and tells whoever is left. */
export type BridgeEnd =
  /** The caller hung up (or their line dropped): the operator's leg is closed with `caller_hangup`. */
  | { by: 'caller'; reason: string }
  /** The operator hung up on purpose (isHangup): the caller's line is closed with `operator_hangup`. */
  | { by: 'operator'; reason: string; lost: false }
  /**
   * The operator's leg went away without a hang-up (browser closed, network lost): the caller's line
   * stays open, so the host can tell them what happens next and queue the case.
   */
  | { by: 'operator'; reason: string; lost: true }
  /** The host took the caller back (release()): both legs stay open. */
  | { by: 'host'; reason: 'released' };

export const OPERATOR_HANGUP = 'operator_hangup';
export const CALLER_HANGUP = 'caller_hangup';

/**
 * Whether a leg's close reason is a person hanging up rather than a lost connection. Channels name
 * the hang-up from their own side: the softphone channel says `caller_hangup` for its page's hangup
 * message whoever holds the page, the in-memory and carrier channels `remote_hangup`; a dropped
 * socket is `disconnected` / `gone` and never contains "hangup".
 */
export function isHangup(reason: string): boolean {
  return reason.includes('hangup');
}

export interface AudioBridge {
  /** Resolves once, when either side ended the bridge. */
  readonly ended: Promise<BridgeEnd>;
  /** Frames carried so far each way (for the case event and tests). */
  stats(): { callerToOperator: number; operatorToCaller: number };
  /** Stops carrying audio without closing either leg (the host takes the caller back, e.g. to say goodbye). */
  release(): void;
}

/**
 * One direction of audio: frames of the source's rate in, frames of the sink's rate out, 20 ms each.
 * A softphone leg runs at 16 kHz and a phone leg at 8 kHz; the resampler keeps its filter state
 * across frames so the joins are inaudible.
 */
function pipe(from: AudioChannel, to: AudioChannel, isLive: () => boolean, count: () => void): void {
  const resampler = from.sampleRateHz === to.sampleRateHz ? null : new StreamingResampler(from.sampleRateHz, to.sampleRateHz);
  const framer = new Reframer(to.sampleRateHz);
  from.onFrame((frame: AudioFrame) => {
    if (!isLive()) return;
    const samples = resampler ? resampler.process(frame.samples) : frame.samples;
    for (const out of resampler ? framer.push(samples) : [frame]) {
      to.sendFrame(out);
      count();
    }
  });
}

/**
 * Connects a caller's AudioChannel to an operator's both ways (issue 10, live transfer). Works for
 * any pair of AudioChannels — softphone, SIP/RTP, carrier media streams — since each converts to
 * 20 ms PCM16 at its edge; frames are forwarded as they arrive, so the sending side's clock paces them.
 *
 * The caller's keypad digits reach the operator's page as `{type:'caller_dtmf', digits}`.
 * Whoever leaves first ends the bridge (`ended`): a caller hang-up closes the operator's leg; an
 * operator hang-up (isHangup) closes the caller's line; an operator
 * leg lost any other way leaves the caller's line open for the host (see BridgeEnd).
 * Call before either channel's frames flow to someone else: AudioChannel has no way to remove a
 * listener, so whoever had the caller's frames before (the voice bridge) must already ignore them.
 */
export function bridgeAudio(caller: AudioChannel, operator: AudioChannel): AudioBridge {
  let live = true;
  const counts = { callerToOperator: 0, operatorToCaller: 0 };
  let resolveEnded!: (end: BridgeEnd) => void;
  const ended = new Promise<BridgeEnd>((resolve) => (resolveEnded = resolve));
  const finish = (end: BridgeEnd) => {
    if (!live) return;
    live = false;
    resolveEnded(end);
  };

  pipe(
    caller,
    operator,
    () => live,
    () => void counts.callerToOperator++,
  );
  pipe(
    operator,
    caller,
    () => live,
    () => void counts.operatorToCaller++,
  );
  caller.onDtmf((digits) => {
    if (live) operator.sendControl({ type: 'caller_dtmf', digits });
  });
  caller.onClose((reason) => {
    if (!live) return;
    finish({ by: 'caller', reason });
    operator.close(CALLER_HANGUP);
  });
  operator.onClose((reason) => {
    if (!live) return;
    if (isHangup(reason)) {
      finish({ by: 'operator', reason, lost: false });
      caller.close(OPERATOR_HANGUP);
    } else {
      finish({ by: 'operator', reason, lost: true });
    }
  });

  return {
    ended,
    stats: () => ({ ...counts }),
    release() {
      finish({ by: 'host', reason: 'released' });
    },
  };
}
