import type { AgentAction, Endpointing, ListenExpecting, Outcome } from '../../agent';
import type { Lang } from '../../domain/lang';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallChannel, CallerInput } from '../../channels/call-channel';
import type { CallRecorder, RecordingResult } from '../recording/call-recorder';
import type { CallTap } from '../live/call-tap';
import type { FrameClock } from './frame-clock';
import type { PromptCut } from './heard-position';
import { VoiceBridge, type VoiceMedia, type VoiceNotice, type VoiceTuning } from './voice-bridge';

/** What the listen step implies when the session passes only `expecting` (today's CallChannel). */
const ENDPOINTING_FOR: Record<ListenExpecting, Endpointing> = { confirmation: 'normal', free: 'normal', email: 'spelling', code: 'digits' };

export interface VoiceCallRecording {
  readonly recorder: CallRecorder;
  /** Reads the caller's answer to the recording question on this call (case history). */
  consent(): Promise<'granted' | 'declined' | 'unknown'>;
  /** Consent given: remember the file on the call row (so a crash later still keeps it). */
  markKept(path: string): Promise<void>;
}

export interface VoiceCallChannelDeps {
  readonly audio: AudioChannel;
  readonly lang: Lang;
  readonly media: VoiceMedia;
  readonly clock: FrameClock;
  /** Null: not recorded (the customer declined on the form, or recording is off). */
  readonly recording?: VoiceCallRecording | null;
  /** The console's listeners for this call (issue 10); absent: nobody can listen in. */
  readonly tap?: CallTap | null;
  /** Writes one event into the case history (e.g. why the call fell back to the keypad). */
  readonly recordCaseEvent?: (kind: string, data: Record<string, string | number | boolean>) => Promise<void>;
  readonly tuning?: Partial<VoiceTuning>;
  readonly onNotice?: (notice: VoiceNotice) => void;
}

export interface VoiceCallChannel extends CallChannel {
  /**
   * Every agent action, unabridged (interruptible, rate, endpointing, recording pause/stop, hangup).
   * Once a session calls this, agentSays/listening are ignored as duplicates.
   */
  onAgentAction(action: AgentAction): void;
  readonly bridge: VoiceBridge;
  /** Resolves when the line is closed and the recording kept or deleted. */
  readonly closed: Promise<RecordingResult | null>;
}

/**
 * A voice line as the call session's CallChannel: the session and agent stay the same as for text
 * calls, and this adapter puts the voice bridge (VAD, recognizer, synthesizer, playout, recording)
 * behind agentSays/listening/onInput. Consent is read from the case history when the agent moves on.
 */
export function createVoiceCallChannel(deps: VoiceCallChannelDeps): VoiceCallChannel {
  const inputs: ((input: CallerInput) => void)[] = [];
  const cuts: ((cut: PromptCut) => void)[] = [];
  const recording = deps.recording ?? null;
  let rawActions = false;
  // The session's own close is not a caller leaving: no `hangup` input after it (channel.ts, onClose).
  let closedBySession = false;
  let consent: 'granted' | 'declined' | 'unknown' = 'unknown';
  let consentCheck: Promise<void> = Promise.resolve();
  let resolveClosed!: (result: RecordingResult | null) => void;
  const closed = new Promise<RecordingResult | null>((resolve) => (resolveClosed = resolve));
  const emit = (input: CallerInput) => inputs.forEach((l) => l(input));

  const bridge = new VoiceBridge({
    channel: deps.audio,
    lang: deps.lang,
    media: deps.media,
    clock: deps.clock,
    recorder: recording?.recorder ?? null,
    tap: deps.tap ?? null,
    ...(deps.tuning ? { tuning: deps.tuning } : {}),
    onEvent: (event) => {
      // Unchanged: interim results and the engine's confidence reach the agent as they do on any channel.
      if (event.type === 'utterance' || event.type === 'dtmf' || event.type === 'prompt_played') emit(event);
      else if (event.type === 'hangup' && !closedBySession) emit(event);
    },
    onNotice: (notice) => {
      deps.onNotice?.(notice);
      if (notice.type === 'barge_in' && notice.cut) for (const l of cuts) l(notice.cut);
      if (notice.type === 'media_lost') void deps.recordCaseEvent?.('voice_media_lost', {}).catch(() => undefined);
      if (notice.type === 'media_flood') void deps.recordCaseEvent?.('voice_media_flood', {}).catch(() => undefined);
      if (notice.type === 'recognizer_failed') {
        void deps
          .recordCaseEvent?.('voice_keypad_fallback', { reason: 'recognizer_failed', code: notice.code, retryable: notice.retryable })
          .catch(() => undefined);
      }
    },
  });

  const checkConsent = (): void => {
    if (!recording || consent !== 'unknown') return;
    consentCheck = consentCheck.then(async () => {
      if (consent !== 'unknown') return;
      try {
        consent = await recording.consent();
        if (consent === 'granted') {
          recording.recorder.setConsent(true);
          await recording.markKept(recording.recorder.path);
        } else if (consent === 'declined') {
          await recording.recorder.stop();
        }
      } catch {
        consent = 'unknown'; // try again at the next turn; without consent nothing is kept anyway
      }
    });
  };

  // The bridge tells the agent about a caller hang-up or a lost line (a `hangup` input) itself.
  deps.audio.onClose((reason) => {
    void (async () => {
      checkConsent();
      await consentCheck;
      resolveClosed(await bridge.close(reason));
    })();
  });

  bridge.start();

  const listen = (expecting: ListenExpecting, endpointing: Endpointing): void => {
    bridge.apply({ type: 'listen', expecting, endpointing });
    checkConsent();
  };

  return {
    bridge,
    closed,
    // The bridge sends `prompt_played` once the agent's words have been played out (or cut off).
    reportsPlayout: true,
    onInput: (l) => void inputs.push(l),
    onPromptCut: (l) => void cuts.push(l),
    figures: () => bridge.figures,
    // Lost lines arrive as a `hangup` input, which ends the agent the same way.
    onClose: () => undefined,
    agentSays(text, kind) {
      if (rawActions) return;
      bridge.apply(kind === 'backchannel' ? { type: 'backchannel', text } : { type: 'say', text, interruptible: true });
    },
    listening(expecting) {
      if (rawActions) return;
      // Without the agent's own recording actions, the code step is known by what it listens for.
      if (expecting === 'code') bridge.apply({ type: 'pause_recording' });
      else bridge.apply({ type: 'resume_recording' });
      listen(expecting, ENDPOINTING_FOR[expecting]);
    },
    onAgentAction(action) {
      rawActions = true;
      if (action.type === 'listen') listen(action.expecting, action.endpointing ?? ENDPOINTING_FOR[action.expecting]);
      else bridge.apply(action);
    },
    end(outcome: Outcome) {
      deps.audio.sendControl({ type: 'outcome', outcome });
    },
    async handOff() {
      closedBySession = true;
      checkConsent();
      await consentCheck;
      const released = await bridge.handOff();
      // The agent's part of the recording is kept (or deleted) now; the person's part is not recorded.
      resolveClosed(await bridge.close('handed_off'));
      return released ? deps.audio : null;
    },
    close(reason = 'ended') {
      closedBySession = true;
      // A normal end lets the goodbye play out first; a server shutdown cuts the line at once.
      if (reason === 'ended') bridge.apply({ type: 'hangup' });
      else deps.audio.close(reason);
    },
  };
}
