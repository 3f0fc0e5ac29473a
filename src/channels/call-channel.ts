import type { AgentAction, AgentEvent, ListenExpecting, Outcome } from '../agent';
import type { AudioChannel } from './audio-channel';

/**
 * What a caller did, as any channel reports it (text frames, recognised speech, keypad tones): the
 * agent's own event, passed through unchanged. A typed line is a final utterance without confidence;
 * a recognizer's interim results and confidence reach the agent as the engine gave them, so its
 * low-confidence re-ask and "caller still talking" timer work on every channel (issue 9).
 */
export type CallerInput = Extract<AgentEvent, { type: 'utterance' | 'dtmf' | 'prompt_played' | 'hangup' }>;

/**
 * What a channel measured on one call, for the case page (issue 10: the call's latency and recognizer
 * figures). Times in milliseconds; all fields optional since a text line has no recognizer or audio.
 */
export interface ChannelFigures {
  /** Each agent reply after a caller turn: voice = end of caller speech (VAD) or typed line → first agent audio. */
  readonly responseLatencyMs?: readonly number[];
  /** The speech recognizer engine (config AIZUCHI_RECOGNIZER), null when the call had none. */
  readonly recognizer?: string | null;
  /** Final hypotheses with words, and finals that came back empty (no match). */
  readonly recognized?: number;
  readonly noMatch?: number;
  /** Engine confidences (0..1) of the finals that carried one. */
  readonly confidences?: readonly number[];
  /** Agent prompts cut off by the caller (speech, words or keys). */
  readonly bargeIns?: number;
  /** Audio recorded so far, and where the recording was paused (the caller entering the code). */
  readonly recordedMs?: number;
  readonly recordingGaps?: readonly { readonly fromMs: number; readonly toMs: number }[];
}

/**
 * One connected call as the session sees it. The text channel implements it over a WebSocket;
 * audio channels put synthesis and recognition behind the same methods.
 */
export interface CallChannel {
  onInput(listener: (input: CallerInput) => void): void;
  /** The line went away without a hangup (socket closed, network lost). A channel may report it as a `hangup` input instead; either way, once. */
  onClose(listener: () => void): void;
  agentSays(text: string, kind: 'prompt' | 'backchannel'): void;
  listening(expecting: ListenExpecting): void;
  /** The last thing sent before the line closes. */
  end(outcome: Outcome): void;
  /**
   * 'ended' lets the last words play out, 'shutdown' cuts the line at once. Idempotent; the session's
   * own close is never reported back (no onClose, no `hangup` input after it).
   */
  close(reason?: 'ended' | 'shutdown'): void;
  /**
   * Audio channels: the channel sends a `prompt_played` input whenever the agent's words have reached the caller,
   * so the agent counts the caller's silence from there, from the first prompt on (AgentDeps.playoutReported).
   */
  readonly reportsPlayout?: boolean;
  /**
   * Every agent action, unabridged, for channels that need more than text (audio: whether a prompt
   * may be interrupted, speaking rate, endpointing, when to pause recording for the code).
   */
  onAgentAction?(action: AgentAction): void;
  /**
   * Audio channels: a prompt the caller cut off by barging in, with the part they actually heard
   * (from the carrier's echoed marks where audio is buffered far away). The session writes it to
   * the transcript after the prompt's own line, so the record shows where the prompt was cut.
   */
  /**
   * Audio channels (issue 10, live transfer): instead of `close('ended')`, lets the agent's last words
   * play, stops the agent's media on the line and gives the line itself to the caller of this
   * method; null when the line closed first. Text channels have nothing to hand over.
   */
  handOff?(): Promise<AudioChannel | null>;
  onPromptCut?(listener: (cut: { text: string; heardText: string; heardMs: number }) => void): void;
  /** What the channel measured so far (audio channels); read when the call ends and stored with it. */
  figures?(): ChannelFigures;
}
