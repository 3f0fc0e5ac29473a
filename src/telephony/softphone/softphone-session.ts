import type { CallChannel } from '../../channels/call-channel';
import type { Lang } from '../../domain/lang';
import { isLang } from '../../domain/lang';
import type { AudioChannel } from '../../channels/audio-channel';
import type { SoftphoneSessionStarter } from './softphone-line';
import { softphoneTextCall } from './softphone-text-call';

/** What the softphone needs from a connected call (CallService.connect's `connected`). */
export interface ConnectedSoftphoneCall {
  call: { id: string };
  caseRow: { id: string; lang: string; recording_consent: number };
}

/** Builds the voice line (voice bridge: VAD, DTMF, recognizer, synthesizer, recording) over the audio channel. */
export type OpenVoiceLine = (args: {
  callId: string;
  caseId: string;
  lang: Lang;
  recordingAllowed: boolean;
  audio: AudioChannel;
}) => Promise<CallChannel>;

/**
 * Starts the call session on an answered softphone call: with voice engines the call runs through
 * the voice bridge (`openVoice`); without them the softphone still works as a captioned text call.
 */
export function createSoftphoneSessionStarter<Connected extends ConnectedSoftphoneCall>(deps: {
  takeConnected(callId: string): Connected | null;
  attach(connected: Connected, channel: CallChannel): Promise<unknown>;
  openVoice?: OpenVoiceLine;
}): SoftphoneSessionStarter {
  return async ({ callId, channel }) => {
    const connected = deps.takeConnected(callId);
    if (!connected) throw new Error('answered softphone call is not connected');
    const line = deps.openVoice
      ? await deps.openVoice({
          callId,
          caseId: connected.caseRow.id,
          lang: isLang(connected.caseRow.lang) ? connected.caseRow.lang : 'ja',
          recordingAllowed: connected.caseRow.recording_consent === 1,
          audio: channel,
        })
      : softphoneTextCall(channel);
    await deps.attach(connected, line);
  };
}
