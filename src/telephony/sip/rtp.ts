import { AizuchiError } from '../../domain/errors';

/** RTP packets (RFC 3550 §5.1): the 12-byte header, CSRCs, header extension and padding. */

export class RtpParseError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'rtp_parse', retryable: false });
  }
}

export interface RtpPacket {
  readonly marker: boolean;
  readonly payloadType: number;
  /** 16-bit. */
  readonly sequence: number;
  /** 32-bit, in samples of the payload's clock. */
  readonly timestamp: number;
  /** 32-bit. */
  readonly ssrc: number;
  readonly payload: Buffer;
}

/** Parses one datagram. Throws RtpParseError for anything that is not a well-formed RTP v2 packet. */
export function parseRtp(buf: Buffer): RtpPacket {
  if (buf.length < 12) throw new RtpParseError('shorter than an RTP header');
  const b0 = buf[0]!;
  if (b0 >> 6 !== 2) throw new RtpParseError('not RTP version 2');
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  const b1 = buf[1]!;
  const payloadType = b1 & 0x7f;
  // 72–76 are RTCP packet types sent to the RTP port with rtcp-mux (RFC 5761 §4).
  if (payloadType >= 72 && payloadType <= 76) throw new RtpParseError('RTCP, not RTP');
  let offset = 12 + csrcCount * 4;
  if (extension) {
    if (buf.length < offset + 4) throw new RtpParseError('truncated header extension');
    offset += 4 + buf.readUInt16BE(offset + 2) * 4;
  }
  let end = buf.length;
  if (padding) {
    const pad = buf[buf.length - 1]!;
    if (pad === 0 || pad > buf.length - offset) throw new RtpParseError('bad padding');
    end -= pad;
  }
  if (offset > end) throw new RtpParseError('header longer than packet');
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    payload: buf.subarray(offset, end),
  };
}

/** Serialises a packet with no CSRCs, extension or padding. */
export function serializeRtp(p: RtpPacket): Buffer {
  const out = Buffer.alloc(12 + p.payload.length);
  out[0] = 0x80;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out.writeUInt16BE(p.sequence & 0xffff, 2);
  out.writeUInt32BE(p.timestamp >>> 0, 4);
  out.writeUInt32BE(p.ssrc >>> 0, 8);
  p.payload.copy(out, 12);
  return out;
}
