import type { Lang } from '../../domain/lang';
import type { Store } from '../../store/connect';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallTap } from '../live/call-tap';
import { CallRecorder } from '../recording/call-recorder';
import { recordingConsentOnCall } from '../recording/recording-consent';
import { createRecordingStore } from '../recording/recording-store';
import type { VoiceNotice, VoiceTuning } from './voice-bridge';
import { createVoiceCallChannel, type VoiceCallChannel } from './voice-call-channel';
import type { VoiceRuntime } from './voice-media';

export interface OpenVoiceCallDeps {
  readonly runtime: VoiceRuntime;
  readonly store: Store;
  readonly dataDir: string;
  readonly callId: string;
  readonly caseId: string;
  readonly lang: Lang;
  readonly audio: AudioChannel;
  /** The customer's recording consent on the request form (cases.recording_consent); false = never record. */
  readonly recordingAllowed: boolean;
  /** The console's listeners for this call (CallTaps.open); absent: nobody can listen in. */
  readonly tap?: CallTap | null;
  readonly recordCaseEvent?: (kind: string, data: Record<string, string | number | boolean>) => Promise<void>;
  readonly tuning?: Partial<VoiceTuning>;
  readonly onNotice?: (notice: VoiceNotice) => void;
}

/**
 * Everything one voice call needs, as the CallChannel the call session attaches to (CallService.attach).
 * A recording that cannot be opened (full disk) never blocks the call: it goes on unrecorded.
 */
export async function openVoiceCall(deps: OpenVoiceCallDeps): Promise<VoiceCallChannel> {
  let recorder: CallRecorder | null = null;
  if (deps.recordingAllowed) {
    try {
      recorder = await CallRecorder.start({ dataDir: deps.dataDir, callId: deps.callId });
    } catch {
      void deps.recordCaseEvent?.('recording_unavailable', { callId: deps.callId }).catch(() => undefined);
    }
  }
  const recordings = createRecordingStore(deps.store);
  return createVoiceCallChannel({
    audio: deps.audio,
    lang: deps.lang,
    media: deps.runtime.media,
    clock: deps.runtime.clock,
    recording: recorder
      ? {
          recorder,
          consent: () => recordingConsentOnCall(deps.store, deps.caseId, deps.callId),
          markKept: (path) => recordings.markKept(deps.callId, path),
        }
      : null,
    tap: deps.tap ?? null,
    ...(deps.recordCaseEvent ? { recordCaseEvent: deps.recordCaseEvent } : {}),
    ...(deps.tuning ? { tuning: deps.tuning } : {}),
    ...(deps.onNotice ? { onNotice: deps.onNotice } : {}),
  });
}
