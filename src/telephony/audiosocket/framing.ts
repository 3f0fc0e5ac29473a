import { AizuchiError } from '../../domain/errors';

/**
 * Asterisk AudioSocket framing (TELEPHONY.md §5; asterisk/documentation
 * `docs/Configuration/Channel-Drivers/AudioSocket.md` [K3], CyCoreSystems/audiosocket README [K4],
 * asterisk `include/asterisk/res_audiosocket.h` [K5]): every message is 1 kind byte, a 2-byte
 * big-endian unsigned payload length, then the payload. Asterisk opens the TCP connection to us and
 * sends the UUID first.
 */
export const AUDIOSOCKET_KIND = {
  /** Hang up; length 0. Closing the socket means the same. */
  hangup: 0x00,
  /** The stream's UUID, 16 raw bytes; always the first message. */
  uuid: 0x01,
  /** One ASCII keypad digit: sent by Asterisk versions with the 2025 change "audiosocket: added support for DTMF frames"; older ones carry keys only as tones in the audio. */
  dtmf: 0x03,
  /** Signed 16-bit little-endian linear PCM, 8 kHz, mono. */
  audio: 0x10,
  /** An error; optional payload = error code (Asterisk: 0x01 caller hung up, 0x02 frame forwarding, 0x04 memory). */
  error: 0xff,
} as const;

/** Asterisk's own error codes in a 0xff payload [K3][K5]. */
export const AUDIOSOCKET_ERROR = { hangup: 0x01, frameForwarding: 0x02, memory: 0x04 } as const;

/** 20 ms of 8 kHz 16-bit mono: 160 samples, 320 payload bytes (323 with the header). */
export const AUDIOSOCKET_FRAME_BYTES = 320;
export const AUDIOSOCKET_SAMPLE_RATE_HZ = 8000;
export const AUDIOSOCKET_HEADER_BYTES = 3;
/**
 * The longest payload we accept. Asterisk sends 20 ms frames (320 bytes at 8 kHz; slin16 and higher
 * rates of newer versions up to 3840 bytes at 96 kHz); 4 KiB allows any of them and keeps a hostile
 * length (up to 64 KiB) from making us buffer it.
 */
export const AUDIOSOCKET_MAX_PAYLOAD_BYTES = 4096;

/** A decoded message. `audio` payloads are copies (the decoder's buffer is reused). */
export type AudioSocketMessage =
  | { readonly kind: 'hangup' }
  | { readonly kind: 'uuid'; readonly uuid: string }
  | { readonly kind: 'dtmf'; readonly digit: string }
  | { readonly kind: 'audio'; readonly samples: Int16Array }
  | { readonly kind: 'error'; readonly code: number | null };

/** Bytes that are not AudioSocket: the connection must be closed (the stream cannot be resynchronised). */
export class AudioSocketFrameError extends AizuchiError {
  constructor(message: string, code: string) {
    super(message, { code, retryable: false });
  }
}

const DTMF_DIGITS = /^[0-9*#A-Da-d]$/u;

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 raw bytes of a UUID in its usual 8-4-4-4-12 hex form; throws AudioSocketFrameError otherwise. */
export function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/gu, '');
  if (!/^[0-9a-fA-F]{32}$/u.test(hex)) throw new AudioSocketFrameError('not a UUID', 'audiosocket_bad_uuid');
  return Buffer.from(hex, 'hex');
}

function decodeOne(kind: number, payload: Buffer): AudioSocketMessage {
  switch (kind) {
    case AUDIOSOCKET_KIND.hangup:
      return { kind: 'hangup' };
    case AUDIOSOCKET_KIND.uuid:
      if (payload.length !== 16)
        throw new AudioSocketFrameError(`UUID payload of ${payload.length} bytes, expected 16`, 'audiosocket_bad_uuid');
      return { kind: 'uuid', uuid: formatUuid(payload) };
    case AUDIOSOCKET_KIND.dtmf: {
      const digit = payload.length === 1 ? String.fromCharCode(payload[0]!) : '';
      if (!DTMF_DIGITS.test(digit)) throw new AudioSocketFrameError('DTMF payload is not one keypad digit', 'audiosocket_bad_dtmf');
      return { kind: 'dtmf', digit: digit.toUpperCase() };
    }
    case AUDIOSOCKET_KIND.audio: {
      if (payload.length % 2 !== 0) throw new AudioSocketFrameError('audio payload of an odd byte count', 'audiosocket_bad_audio');
      const samples = new Int16Array(payload.length / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = payload.readInt16LE(i * 2);
      return { kind: 'audio', samples };
    }
    case AUDIOSOCKET_KIND.error:
      return { kind: 'error', code: payload.length > 0 ? payload[0]! : null };
    default:
      throw new AudioSocketFrameError(`unknown message kind 0x${kind.toString(16).padStart(2, '0')}`, 'audiosocket_unknown_kind');
  }
}

/**
 * Streaming decoder for one connection: push TCP chunks as they arrive (a message may be split
 * across chunks, several may share one); get the whole messages they complete. Throws
 * AudioSocketFrameError on an unknown kind, a bad payload or a length above
 * AUDIOSOCKET_MAX_PAYLOAD_BYTES; after that the decoder stays failed (the caller closes).
 */
export class AudioSocketDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private failed = false;

  /** Bytes received but not yet a whole message. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): AudioSocketMessage[] {
    if (this.failed) throw new AudioSocketFrameError('decoder already failed', 'audiosocket_failed');
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: AudioSocketMessage[] = [];
    try {
      while (data.length >= AUDIOSOCKET_HEADER_BYTES) {
        const kind = data[0]!;
        const length = data.readUInt16BE(1);
        if (length > AUDIOSOCKET_MAX_PAYLOAD_BYTES)
          throw new AudioSocketFrameError(`payload of ${length} bytes exceeds ${AUDIOSOCKET_MAX_PAYLOAD_BYTES}`, 'audiosocket_oversized');
        // Refuse an unknown kind from its header, without waiting for (or buffering) its payload.
        if (!Object.values(AUDIOSOCKET_KIND).includes(kind as never)) decodeOne(kind, Buffer.alloc(0));
        if (data.length < AUDIOSOCKET_HEADER_BYTES + length) break;
        out.push(decodeOne(kind, data.subarray(AUDIOSOCKET_HEADER_BYTES, AUDIOSOCKET_HEADER_BYTES + length)));
        data = data.subarray(AUDIOSOCKET_HEADER_BYTES + length);
      }
    } catch (err) {
      this.failed = true;
      this.pending = Buffer.alloc(0);
      throw err;
    }
    // Copy the remainder so the caller's chunk is not retained.
    this.pending = Buffer.from(data);
    return out;
  }
}

function frame(kind: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(AUDIOSOCKET_HEADER_BYTES);
  header[0] = kind;
  header.writeUInt16BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Encoders for the messages both sides send (the server sends audio, hangup and error; test clients all). */
export const encodeAudioSocket = {
  hangup: (): Buffer => frame(AUDIOSOCKET_KIND.hangup, Buffer.alloc(0)),
  uuid: (uuid: string): Buffer => frame(AUDIOSOCKET_KIND.uuid, uuidBytes(uuid)),
  dtmf: (digit: string): Buffer => {
    if (!DTMF_DIGITS.test(digit)) throw new AudioSocketFrameError('not one keypad digit', 'audiosocket_bad_dtmf');
    return frame(AUDIOSOCKET_KIND.dtmf, Buffer.from(digit, 'ascii'));
  },
  /** Samples as signed 16-bit little-endian PCM. */
  audio: (samples: Int16Array): Buffer => {
    const payload = Buffer.alloc(samples.length * 2);
    for (let i = 0; i < samples.length; i++) payload.writeInt16LE(samples[i]!, i * 2);
    return frame(AUDIOSOCKET_KIND.audio, payload);
  },
  error: (code?: number): Buffer => frame(AUDIOSOCKET_KIND.error, code === undefined ? Buffer.alloc(0) : Buffer.of(code)),
};
