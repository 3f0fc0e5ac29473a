import type { AudioChannel } from '../../channels/audio-channel';
import { AizuchiError } from '../../domain/errors';
import type { AudioFrame } from '../../media/frame';
import { Reframer } from '../../media/reframer';
import { AUDIOSOCKET_SAMPLE_RATE_HZ, type AudioSocketMessage, encodeAudioSocket } from './framing';

export class AudioSocketChannelError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'audiosocket_frame', retryable: false });
  }
}

/** The byte stream under a channel: the server's TCP socket, or memory in tests. */
export interface AudioSocketWire {
  write(bytes: Buffer): void;
  /** Ends the connection once what was written is flushed. */
  end(): void;
}

/** An AudioChannel plus the hook the connection drives with each message after the UUID. */
export interface AudioSocketChannel extends AudioChannel {
  /** One decoded message from Asterisk (audio, a digit, hangup or error). */
  receive(message: AudioSocketMessage): void;
  /** The TCP connection went away without a hangup message. */
  remoteClosed(reason: string): void;
  readonly closed: boolean;
}

const FRAME_SAMPLES = AUDIOSOCKET_SAMPLE_RATE_HZ / 50;

/**
 * The AudioChannel of one AudioSocket call (TELEPHONY.md §5): 8 kHz signed-linear audio both ways,
 * no codec. Asterisk's frames are re-cut into 20 ms frames whatever size they come in. Pacing is the
 * caller's (the voice chain's 20 ms clock sends one frame per tick; AudioSocket has no buffer
 * reports, marks or clear, so barge-in is just no more frames). Keys: `inBandDtmf` is always true,
 * since an Asterisk without DTMF frames passes keys only as tones in the audio; where Asterisk does
 * send 0x03 digit frames (it then takes RFC 4733/INFO keys out of the audio), they come through
 * onDtmf as well. Hang-up both ways: close() sends the hangup message (0x00) and ends the socket;
 * Asterisk's hangup, error or a dropped socket closes the channel once.
 */
export function createAudioSocketChannel(wire: AudioSocketWire): AudioSocketChannel {
  const frameListeners: Array<(f: AudioFrame) => void> = [];
  const dtmfListeners: Array<(d: string) => void> = [];
  const closeListeners: Array<(r: string) => void> = [];
  const reframer = new Reframer(AUDIOSOCKET_SAMPLE_RATE_HZ);
  let closed = false;

  const finish = (reason: string, local: boolean) => {
    if (closed) return;
    closed = true;
    if (local) {
      wire.write(encodeAudioSocket.hangup());
      wire.end();
    }
    for (const l of closeListeners) l(reason);
  };

  return {
    kind: 'audiosocket',
    inBandDtmf: true,
    sampleRateHz: AUDIOSOCKET_SAMPLE_RATE_HZ,
    get closed() {
      return closed;
    },
    onFrame: (l) => void frameListeners.push(l),
    onDtmf: (l) => void dtmfListeners.push(l),
    // A phone line: no text box and no screen.
    onText: () => undefined,
    sendCaption: () => undefined,
    sendControl: () => undefined,
    onClose: (l) => void closeListeners.push(l),
    sendFrame(frame) {
      if (frame.sampleRateHz !== AUDIOSOCKET_SAMPLE_RATE_HZ || frame.samples.length !== FRAME_SAMPLES) {
        throw new AudioSocketChannelError(
          `AudioSocket frames are ${FRAME_SAMPLES} samples at 8000 Hz, got ${frame.samples.length} at ${frame.sampleRateHz} Hz`,
        );
      }
      if (closed) return;
      wire.write(encodeAudioSocket.audio(frame.samples));
    },
    receive(message) {
      if (closed) return;
      switch (message.kind) {
        case 'audio':
          for (const f of reframer.push(message.samples)) for (const l of frameListeners) l(f);
          return;
        case 'dtmf':
          for (const l of dtmfListeners) l(message.digit);
          return;
        case 'hangup':
          return finish('caller hung up', false);
        case 'error':
          // Asterisk's 0x01 is the caller hanging up; others are its own failures. Either way the call is over.
          return finish(message.code === 0x01 ? 'caller hung up' : 'asterisk error', false);
        case 'uuid':
          // A second UUID mid-call is not AudioSocket; the server refuses it before it gets here.
          return finish('protocol error', true);
      }
    },
    remoteClosed: (reason) => finish(reason, false),
    close: (reason) => finish(reason, true),
  };
}
