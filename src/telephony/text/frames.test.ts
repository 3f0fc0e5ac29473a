import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, parseCallerFrame } from './frames';

const text = (v: unknown) => parseCallerFrame(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), false);

describe('parseCallerFrame', () => {
  it('accepts say, dtmf and hangup', () => {
    expect(text({ type: 'say', text: ' はい ' })).toEqual({ ok: true, frame: { type: 'say', text: 'はい' } });
    expect(text({ type: 'dtmf', digits: '1267#' })).toEqual({ ok: true, frame: { type: 'dtmf', digits: '1267#' } });
    expect(text({ type: 'hangup' })).toEqual({ ok: true, frame: { type: 'hangup' } });
  });

  it.each([
    ['not JSON', 'hello', /not JSON/],
    ['an array', [1, 2], /JSON object/],
    ['an unknown type', { type: 'shout', text: 'x' }, /unknown frame type/],
    ['an empty say', { type: 'say', text: '   ' }, /empty/],
    ['too long a say', { type: 'say', text: 'あ'.repeat(1001) }, /longer than/],
    ['letters in dtmf', { type: 'dtmf', digits: '12a4' }, /digits/],
    ['extra fields', { type: 'hangup', code: '12675693' }, /./],
  ])('refuses %s with a message', (_label, value, message) => {
    const r = text(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('refuses binary and oversized frames before parsing, and never echoes content', () => {
    expect(parseCallerFrame(Buffer.from('{"type":"hangup"}'), true)).toMatchObject({ ok: false, message: expect.stringMatching(/binary/) });
    const big = JSON.stringify({ type: 'say', text: 'x'.repeat(MAX_FRAME_BYTES) });
    expect(text(big)).toMatchObject({ ok: false, message: expect.stringMatching(/larger than/) });
    const secret = text({ type: 'dtmf', digits: 'secret12675693' });
    expect(JSON.stringify(secret)).not.toContain('12675693');
  });
});
