import { describe, expect, it } from 'vitest';
import { parseRtp, RtpParseError, serializeRtp } from './rtp';

describe('RTP packets', () => {
  it('round-trips the 12-byte header and payload', () => {
    const p = { marker: true, payloadType: 8, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, payload: Buffer.alloc(160, 0xd5) };
    const bytes = serializeRtp(p);
    expect(bytes.length).toBe(172);
    expect(parseRtp(bytes)).toEqual(p);
  });

  it('skips CSRCs and a header extension, and strips padding', () => {
    const header = Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7]); // V=2 P=1 X=1 CC=1
    const csrc = Buffer.from([1, 2, 3, 4]);
    const ext = Buffer.from([0xbe, 0xde, 0, 1, 9, 9, 9, 9]);
    const payload = Buffer.from([1, 2, 3]);
    const padding = Buffer.from([0, 0, 3]);
    const p = parseRtp(Buffer.concat([header, csrc, ext, payload, padding]));
    expect([...p.payload]).toEqual([1, 2, 3]);
    expect(p.ssrc).toBe(7);
  });

  it('refuses what is not RTP v2: short, version 1, RTCP on a muxed port, bad padding', () => {
    expect(() => parseRtp(Buffer.alloc(11))).toThrow(RtpParseError);
    expect(() => parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(RtpParseError);
    expect(() => parseRtp(Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(RtpParseError);
    expect(() => parseRtp(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 50]))).toThrow(RtpParseError);
  });
});
