import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CONTROL_BYTES, SOFTPHONE_FRAME_BYTES, decodePcm16le, encodePcm16le, isProtocolError, parseClientMessage } from './protocol';

const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('softphone protocol', () => {
  it('reads a 640-byte binary message as one 20 ms frame of little-endian PCM16', () => {
    const buf = Buffer.alloc(SOFTPHONE_FRAME_BYTES);
    buf.writeInt16LE(-32768, 0);
    buf.writeInt16LE(1234, 2);
    buf.writeInt16LE(32767, 638);
    const msg = parseClientMessage(buf, true);
    expect(msg.type).toBe('audio');
    if (msg.type !== 'audio') return;
    expect(msg.samples.length).toBe(320);
    expect([msg.samples[0], msg.samples[1], msg.samples[319]]).toEqual([-32768, 1234, 32767]);
  });

  it.each([0, 1, 320, 639, 641, 1280, 4000])('rejects a %i-byte binary message as a bad frame', (size) => {
    const msg = parseClientMessage(Buffer.alloc(size), true);
    expect(isProtocolError(msg) && msg.code).toBe('bad_frame');
  });

  it.each([
    [{ type: 'answer' }, { type: 'answer' }],
    [
      { type: 'dtmf', digits: '1' },
      { type: 'dtmf', digits: '1' },
    ],
    [
      { type: 'dtmf', digits: '0123456789*#' },
      { type: 'dtmf', digits: '0123456789*#' },
    ],
    [
      { type: 'text', text: 'taro@example.com' },
      { type: 'text', text: 'taro@example.com' },
    ],
    [
      { type: 'asr', text: 'はい', isFinal: false },
      { type: 'asr', text: 'はい', isFinal: false },
    ],
    [{ type: 'typing' }, { type: 'typing' }],
  ])('accepts control %j', (input, expected) => {
    expect(parseClientMessage(text(input), false)).toEqual(expected);
  });

  it.each([
    ['not json', 'bad_json'],
    ['{"type":"dance"}', 'bad_message'],
    ['{"type":"dtmf","digits":"x"}', 'bad_message'],
    ['{"type":"dtmf","digits":""}', 'bad_message'],
    ['{"type":"text","text":"   "}', 'bad_message'],
    ['{"type":"asr","text":"hi"}', 'bad_message'],
    ['[1,2,3]', 'bad_message'],
    ['null', 'bad_message'],
  ])('rejects %s as %s', (raw, code) => {
    const msg = parseClientMessage(text(raw), false);
    expect(isProtocolError(msg) && msg.code).toBe(code);
  });

  it('rejects oversized control text before parsing it', () => {
    const big = JSON.stringify({ type: 'text', text: 'a'.repeat(MAX_CONTROL_BYTES) });
    const msg = parseClientMessage(text(big), false);
    expect(isProtocolError(msg) && msg.code).toBe('too_large');
  });

  it('never throws on arbitrary bytes, binary or text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, isBinary) => {
        const msg = parseClientMessage(Buffer.from(bytes), isBinary);
        expect(typeof msg.type).toBe('string');
      }),
    );
  });

  it('round-trips samples through the wire encoding', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 400 }), (values) => {
        const samples = Int16Array.from(values);
        expect(Array.from(decodePcm16le(encodePcm16le(samples)))).toEqual(values);
      }),
    );
  });
});
