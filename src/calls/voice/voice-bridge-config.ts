import type { AgentEvent, Endpointing } from '../../agent';
import type { Lang } from '../../domain/lang';
import type { VoiceActivityDetector } from '../../media/vad/voice-activity-detector';
import type { Recognizer } from '../../speech/recognizer';
import type { BackchannelClips } from '../../speech/synthesis/backchannel-clips';
import type { Synthesizer } from '../../speech/synthesizer';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallTap } from '../live/call-tap';
import type { CallRecorder, RecordingResult } from '../recording/call-recorder';
import type { BargeInConfig, Interruption } from './barge-in';
import type { FrameClock } from './frame-clock';
import type { MediaLane, MediaLaneCall } from './media-shards';
import type { PromptCut } from './heard-position';
import { DEFAULT_RECOGNIZER_RETRY_DELAYS_MS } from './recognition-turns';

// The voice bridge's configuration and the shapes it reports, apart from the media chain itself.

/** The media chain runs at 16 kHz inside: VAD, recognizers and recordings all want it. */
export const INTERNAL_RATE_HZ = 16000;

/** Process-wide engines shared by every call (one ONNX session, one synthesis cache). */
export interface VoiceMedia {
  readonly synthesizer: Synthesizer;
  readonly backchannels: BackchannelClips;
  readonly vad: { createDetector(): VoiceActivityDetector };
  /** null: AIZUCHI_RECOGNIZER=none — keypad, typed text and browser speech recognition only. */
  readonly recognizer: Recognizer | null;
  /** The recognizer's engine name (config AIZUCHI_RECOGNIZER), shown with the call's figures. */
  readonly recognizerName?: string;
  /**
   * Media worker threads (MediaShardPool): each call's resampling, DTMF and VAD run on its shard
   * instead of the thread that paces frames. Absent: all on this thread (tests, small tools).
   */
  readonly shards?: { open(call: MediaLaneCall): MediaLane };
}

export interface VoiceTuning {
  /** Silence that ends a caller turn, per the agent's `listen.endpointing`. */
  readonly silenceMs: Record<Endpointing, number>;
  readonly bargeIn: Partial<BargeInConfig>;
  /** Digits in a complete code: once heard, the turn is committed without waiting for silence. */
  readonly codeLength: number;
  readonly preRollMs: number;
  /** After the agent's hangup, the line closes once the goodbye has played, or after this long without any agent audio (a stuck engine). */
  readonly hangupDrainMaxMs: number;
  /** Backoff (ms) before each new recognizer stream after a retryable error; its length is the number of tries. */
  readonly recognizerRetryDelaysMs: readonly number[];
}

export const DEFAULT_VOICE_TUNING: VoiceTuning = {
  silenceMs: { normal: 700, spelling: 1200, digits: 1500 },
  bargeIn: {},
  codeLength: 8,
  preRollMs: 300,
  hangupDrainMaxMs: 10_000,
  recognizerRetryDelaysMs: DEFAULT_RECOGNIZER_RETRY_DELAYS_MS,
};

/** Things the call session records or reacts to; none carries caller speech. */
export type VoiceNotice =
  | { readonly type: 'recognizer_failed'; readonly code: string; readonly retryable: boolean }
  /** A retryable recognizer error: a new stream opens after `delayMs` (recognition goes on). */
  | { readonly type: 'recognizer_retry'; readonly code: string; readonly attempt: number; readonly delayMs: number }
  | { readonly type: 'synthesis_failed'; readonly error: string }
  | { readonly type: 'vad_failed' }
  /** The call's media shard died: the call ends (reason `media_lost`); the pool starts a new shard. */
  | { readonly type: 'media_lost' }
  /**
   * The caller's audio ran more than 5 s ahead of the playout clock (LANE_BURST_FRAMES): frames
   * beyond that are dropped so one line cannot flood the shard other calls share. Said once per call.
   */
  | { readonly type: 'media_flood' }
  /** `cut`: the prompt that was playing, as far as the caller heard it (what the transcript records). */
  | { readonly type: 'barge_in'; readonly cause: Interruption['cause']; readonly dropped: number; readonly cut?: PromptCut }
  | { readonly type: 'recording_finished'; readonly result: RecordingResult }
  | { readonly type: 'recording_failed'; readonly error: string };

export interface VoiceBridgeOptions {
  readonly channel: AudioChannel;
  readonly lang: Lang;
  readonly media: VoiceMedia;
  readonly clock: FrameClock;
  /** Null when the call is not recorded at all. */
  readonly recorder?: CallRecorder | null;
  /** The console's listeners (issue 10, listen in); absent: nobody can listen to this call. */
  readonly tap?: CallTap | null;
  /** Caller events for the agent, in order. */
  readonly onEvent: (event: AgentEvent) => void;
  readonly onNotice?: (notice: VoiceNotice) => void;
  /** Speech recognition is gone for this call: switch the agent to keypad-only codes. */
  readonly onKeypadOnly?: () => void;
  readonly tuning?: Partial<VoiceTuning>;
}

export interface VoiceBridgeStats {
  framesIn: number;
  framesOut: number;
  ticks: number;
  /** Worst inbound backlog seen (frames waiting for VAD). */
  maxBacklogFrames: number;
  lateTicksOver20Ms: number;
  /** Per-tick lateness samples (ms), only when `collectLateness` is set. */
  lateness: number[] | null;
}
