import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingError, StereoWavWriter, type StereoWavWriterOptions } from './stereo-wav-writer';
import { makePrivateDir } from '../../store/private-files';

/** Recordings are 16 kHz stereo: caller left, agent right. */
export const RECORDING_RATE_HZ = 16000;

export type RecorderState = 'recording' | 'paused' | 'stopped';

export interface RecordingResult {
  /** Null when nothing was kept (consent never given or declined). */
  readonly path: string | null;
  readonly durationMs: number;
  readonly kept: boolean;
}

/**
 * One call's recording. The file is written as the call goes (the first turn tells the caller the call
 * is recorded) but it is only *kept* with consent: a declined or never-answered consent deletes it.
 * While paused (the caller enters the code) silence is written on both sides, so the timeline stays
 * intact and the code's audio never reaches the disk.
 */
export class CallRecorder {
  private stateValue: RecorderState = 'recording';
  private consent: 'unknown' | 'granted' | 'declined' = 'unknown';
  private result: Promise<RecordingResult> | undefined;
  private readonly paused: { fromMs: number; toMs: number | null }[] = [];

  private constructor(private readonly writer: StereoWavWriter) {}

  static async start(opts: { dataDir: string; callId: string; writer?: StereoWavWriterOptions }): Promise<CallRecorder> {
    if (!/^[A-Za-z0-9_-]{1,100}$/u.test(opts.callId)) throw new RecordingError('call id is not a safe file name');
    const dir = recordingsDir(opts.dataDir);
    await makePrivateDir(dir);
    return new CallRecorder(await StereoWavWriter.create(join(dir, `${opts.callId}.wav`), RECORDING_RATE_HZ, opts.writer));
  }

  get state(): RecorderState {
    return this.stateValue;
  }

  get path(): string {
    return this.writer.path;
  }

  /** One 20 ms tick of both sides at 16 kHz (null = silence on that side). */
  addTick(caller: Int16Array | null, agent: Int16Array | null): void {
    if (this.stateValue === 'stopped') return;
    if (this.stateValue === 'paused') {
      const length = Math.max(caller?.length ?? 0, agent?.length ?? 0);
      this.writer.write(new Int16Array(length), null);
      return;
    }
    this.writer.write(caller, agent);
  }

  pause(): void {
    if (this.stateValue !== 'recording') return;
    this.stateValue = 'paused';
    this.paused.push({ fromMs: Math.round(this.writer.durationMs), toMs: null });
  }

  resume(): void {
    if (this.stateValue !== 'paused') return;
    this.stateValue = 'recording';
    const open = this.paused[this.paused.length - 1];
    if (open) open.toMs = Math.round(this.writer.durationMs);
  }

  /** Audio written so far, in ms of the recording. */
  get recordedMs(): number {
    return Math.round(this.writer.durationMs);
  }

  /**
   * The spans (ms from the start of the recording) written as silence because the recording was
   * paused; a pause still open ends at the audio written so far.
   */
  get gaps(): { fromMs: number; toMs: number }[] {
    return this.paused.map((g) => ({ fromMs: g.fromMs, toMs: g.toMs ?? this.recordedMs }));
  }

  /** The caller's answer to the consent question. */
  setConsent(granted: boolean): void {
    if (this.consent !== 'declined') this.consent = granted ? 'granted' : 'declined';
  }

  /** The agent's stop_recording: the caller declined, so nothing is kept. */
  stop(): Promise<RecordingResult> {
    if (this.consent !== 'granted') this.consent = 'declined';
    return this.finish();
  }

  /** End of call: keeps the file only when consent was given. Idempotent. */
  finish(): Promise<RecordingResult> {
    this.stateValue = 'stopped';
    this.result ??= (async () => {
      const closed = await this.writer.close();
      if (this.consent === 'granted') return { path: closed.path, durationMs: closed.durationMs, kept: true };
      await rm(closed.path, { force: true });
      return { path: null, durationMs: closed.durationMs, kept: false };
    })();
    return this.result;
  }
}

export function recordingsDir(dataDir: string): string {
  return join(dataDir, 'recordings');
}
