import { describe, expect, it } from 'vitest';
import { dtmfFromInfo } from './info-dtmf';
import { eventOf, serializeTelephoneEvent, TelephoneEventReceiver } from './telephone-event';

describe('RFC 4733 telephone-event', () => {
  it('yields one digit per press across updates and the three end packets (baresip sndcode shape, §4.5)', () => {
    const rx = new TelephoneEventReceiver();
    const digits: string[] = [];
    let ts = 1000;
    for (const key of '1234#') {
      const event = eventOf(key)!;
      for (let d = 160; d <= 1440; d += 160) {
        const digit = rx.accept(7, ts, serializeTelephoneEvent({ event, end: false, volume: 10, duration: d }));
        if (digit) digits.push(digit);
      }
      for (let i = 0; i < 3; i++) {
        const digit = rx.accept(7, ts, serializeTelephoneEvent({ event, end: true, volume: 10, duration: 1440 }));
        if (digit) digits.push(digit);
      }
      ts += 2400;
    }
    expect(digits).toEqual(['1', '2', '3', '4', '#']);
  });

  it('counts the same key pressed twice (a new timestamp) and ignores non-key events and short payloads', () => {
    const rx = new TelephoneEventReceiver();
    const five = serializeTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 });
    expect([rx.accept(1, 100, five), rx.accept(1, 100, five), rx.accept(1, 900, five)]).toEqual(['5', null, '5']);
    expect(rx.accept(1, 2000, serializeTelephoneEvent({ event: 16, end: false, volume: 0, duration: 1 }))).toBeNull();
    expect(rx.accept(1, 3000, Buffer.from([1, 2]))).toBeNull();
  });

  it('reads SIP INFO keys in both conventions', () => {
    expect(dtmfFromInfo('application/dtmf-relay', Buffer.from('Signal=5\r\nDuration=160\r\n'))).toBe('5');
    expect(dtmfFromInfo('application/dtmf-relay', Buffer.from('Signal= #\r\nDuration= 160'))).toBe('#');
    expect(dtmfFromInfo('application/dtmf-relay', Buffer.from('Signal=11\r\n'))).toBe('#');
    expect(dtmfFromInfo('application/dtmf', Buffer.from('7'))).toBe('7');
    expect(dtmfFromInfo('application/dtmf', Buffer.from('77'))).toBe('');
    expect(dtmfFromInfo('text/plain', Buffer.from('Signal=5'))).toBe('');
    expect(dtmfFromInfo(undefined, Buffer.alloc(0))).toBe('');
  });
});
