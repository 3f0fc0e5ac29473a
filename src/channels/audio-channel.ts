import type { AudioFrame } from '../media/frame';

/**
 * What every audio-carrying channel (browser softphone, SIP/RTP, carrier media streams) gives the
 * call's media chain. Channels convert to and from the canonical 20 ms PCM16 frame at their edge
 * (codec, rate), so nothing past this interface knows about sockets, codecs or carriers.
 */
export interface AudioChannel {
  /** e.g. 'softphone', 'sip', 'media-stream'. */
  readonly kind: string;
  /**
   * Whether keypad tones can arrive inside the caller audio (a phone line, SIP without RFC 4733),
   * so the media chain must run the in-band DTMF detector on it. False when the channel carries
   * keys only out of band through onDtmf (the softphone's keypad): those channels don't pay for
   * the detector, and a tone-like sound in the audio is never taken for a key.
   */
  readonly inBandDtmf: boolean;
  /** The rate of frames this channel delivers and wants back. */
  readonly sampleRateHz: number;
  /** Caller audio, one 20 ms frame at a time, in arrival order. */
  onFrame(listener: (frame: AudioFrame) => void): void;
  /** Agent audio, one 20 ms frame per call, paced by the caller of this method (the playout clock). */
  sendFrame(frame: AudioFrame): void;
  /** Keypad digits the channel carries out of band (RFC 4733, carrier events); in-band tones come as audio. */
  onDtmf(listener: (digits: string) => void): void;
  /**
   * Typed text where a channel offers it (the softphone's fallback box), and browser speech recognition
   * results. Typed text that is not final is empty: the caller is typing, content withheld until sent.
   */
  onText(listener: (text: string, source: 'typed' | 'browser-asr', isFinal: boolean) => void): void;
  /** Live captions for the caller's screen, where the channel has one. */
  sendCaption(caption: { speaker: 'agent' | 'caller'; text: string; final: boolean }): void;
  /** Anything else the channel shows the caller (state changes, end of call). */
  sendControl(message: Record<string, unknown>): void;
  onClose(listener: (reason: string) => void): void;
  /** Idempotent. */
  close(reason: string): void;
  /**
   * Present on channels whose far end buffers agent audio before the caller hears it (carrier media
   * streams: Twilio keeps minutes, Vonage ~60 s; TELEPHONY.md §0, §1.5). "Sent" is not "heard" there,
   * so the media chain learns what was heard from marks and flushes the buffer on barge-in. Channels
   * that play what they are sent at once (the softphone) leave it out: sent counts as heard.
   */
  readonly playout?: PlayoutMarks;
}

/**
 * Marks in the agent's audio and what the caller's side reports back about them
 * (Twilio/Telnyx/Exotel `mark`, Plivo `checkpoint`). Names are the caller's of this interface.
 */
export interface PlayoutMarks {
  /** Places a mark after every agent frame sent so far. */
  mark(name: string): void;
  /**
   * A mark's name once the far end has played all audio sent before it, in the order marks were
   * placed. Never for a mark that clear() discarded: carriers echo those too, unplayed (§1.5).
   */
  onPlayed(listener: (name: string) => void): void;
  /** Drops agent audio the far end holds but has not played (barge-in); marks still pending are discarded. */
  clear(): void;
}
