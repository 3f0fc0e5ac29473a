import type { ListenExpecting } from '../../agent';
import type { ChannelFigures } from '../../channels/call-channel';
import type { CallTap, TapEndReason } from '../live/call-tap';
import type { CallRecorder, RecordingResult } from '../recording/call-recorder';
import type { VoiceNotice } from './voice-bridge-config';

/**
 * Where each 20 ms tick's audio goes besides the caller: the call's stereo recording and the
 * console's listeners (CallTap), both at the bridge's internal 16 kHz. The caller's analysed frames
 * wait in a short lane until the tick that pairs them with the agent's frame; they are kept only
 * while someone needs them (a recorder, or at least one listener), so an unrecorded call nobody
 * listens to does no work here.
 */
export class TickAudio {
  private readonly callerLane: Int16Array[] = [];
  private recordingResult: Promise<RecordingResult | null> | null = null;

  constructor(
    private readonly recorder: CallRecorder | null,
    private readonly tap: CallTap | null,
    private readonly notice: (notice: VoiceNotice) => void,
  ) {}

  /** One caller frame after VAD/DTMF (16 kHz). */
  caller(samples: Int16Array): void {
    if (!this.recorder && !this.tap?.active) return;
    this.callerLane.push(samples);
    // The caller's clock may run a little fast: never let the recording fall more than 200 ms behind.
    if (this.callerLane.length > 10) this.callerLane.shift();
  }

  /** One tick: the agent's frame (16 kHz, silence when it says nothing) with the next caller frame. */
  tick(agent: Int16Array): void {
    const caller = this.callerLane.shift() ?? null;
    this.recorder?.addTick(caller, agent);
    this.tap?.push(caller, agent);
  }

  pause(): void {
    this.recorder?.pause();
    this.tap?.setRecordingPaused(true);
  }

  resume(): void {
    this.recorder?.resume();
    this.tap?.setRecordingPaused(false);
  }

  /** The agent's listen step: listeners hear silence while it waits for the code. */
  listening(expecting: ListenExpecting): void {
    this.tap?.setCodeStep(expecting === 'code');
  }

  /** The recording's length and paused spans so far (empty without a recorder). */
  get figures(): Pick<ChannelFigures, 'recordedMs' | 'recordingGaps'> {
    const recorder = this.recorder;
    return recorder ? { recordedMs: recorder.recordedMs, recordingGaps: recorder.gaps } : {};
  }

  /** Stops the recording once: `declined` deletes it, otherwise it is kept per its consent. */
  finishRecording(declined: boolean): Promise<RecordingResult | null> {
    this.recordingResult ??= this.runFinish(declined);
    return this.recordingResult;
  }

  /** The line is gone from this bridge: listeners are told why. */
  end(reason: TapEndReason): void {
    this.tap?.end(reason);
  }

  private async runFinish(declined: boolean): Promise<RecordingResult | null> {
    const recorder = this.recorder;
    if (!recorder) return null;
    try {
      const result = declined ? await recorder.stop() : await recorder.finish();
      this.notice({ type: 'recording_finished', result });
      return result;
    } catch (error) {
      this.notice({ type: 'recording_failed', error: error instanceof Error ? error.name : 'unknown' });
      return null;
    }
  }
}
