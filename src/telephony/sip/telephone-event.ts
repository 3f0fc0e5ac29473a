/**
 * RFC 4733 telephone-event payloads (DTMF over RTP, §2.3) and a receiver that turns the repeated
 * packets of one key press into one digit: every packet of a press shares the RTP timestamp of its
 * start, updates repeat it, and the end packet is sent three times (TELEPHONY.md §4.5).
 */

export interface TelephoneEvent {
  /** 0–9, 10 = '*', 11 = '#', 12–15 = A–D; other events (tones, flash) are not keys. */
  readonly event: number;
  readonly end: boolean;
  /** Power level, dBm0 negated (0–63). */
  readonly volume: number;
  /** Duration so far, in timestamp units. */
  readonly duration: number;
}

const KEYS = '0123456789*#ABCD';

/** The 4-byte payload, or null when it is too short to be one. */
export function parseTelephoneEvent(payload: Buffer): TelephoneEvent | null {
  if (payload.length < 4) return null;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: payload.readUInt16BE(2),
  };
}

export function serializeTelephoneEvent(e: TelephoneEvent): Buffer {
  const out = Buffer.alloc(4);
  out[0] = e.event & 0xff;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  out.writeUInt16BE(e.duration & 0xffff, 2);
  return out;
}

/** The keypad character of an event code, or null for non-key events. */
export function keyOf(event: number): string | null {
  return event < KEYS.length ? KEYS[event]! : null;
}

/** The event code of a keypad character, or null. */
export function eventOf(key: string): number | null {
  const i = KEYS.indexOf(key.toUpperCase());
  return key.length === 1 && i >= 0 ? i : null;
}

/**
 * De-duplicates presses by (SSRC, RTP timestamp): the first packet of a press yields its digit,
 * every repeat (updates, the three end packets, retransmissions) yields nothing. Remembers the last
 * few presses only, so memory stays bounded on a long call.
 */
export class TelephoneEventReceiver {
  private readonly seen: string[] = [];

  /** The digit this packet starts, or null (a repeat, or not a key). */
  accept(ssrc: number, timestamp: number, payload: Buffer): string | null {
    const ev = parseTelephoneEvent(payload);
    if (!ev) return null;
    const key = keyOf(ev.event);
    if (key === null) return null;
    const id = `${ssrc}:${timestamp}`;
    if (this.seen.includes(id)) return null;
    this.seen.push(id);
    if (this.seen.length > 16) this.seen.shift();
    return key;
  }
}
