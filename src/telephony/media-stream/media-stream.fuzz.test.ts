import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../media/testing/signals';
import { detectStream } from './detect';
import { MediaStreamError, type VendorFraming } from './framing';
import { openInMemoryStream } from './testing/in-memory-stream';
import { exotelWire } from './testing/exotel-wire';
import { plivoWire } from './testing/plivo-wire';
import { telnyxWire } from './testing/telnyx-wire';
import { twilioWire } from './testing/twilio-wire';
import type { VendorWire } from './testing/vendor-wire';
import { vonageWire } from './testing/vonage-wire';

const WIRES: Array<() => VendorWire> = [
  () => twilioWire(),
  () => telnyxWire(),
  () => telnyxWire({ encoding: 'L16', sampleRateHz: 16000 }),
  () => plivoWire(),
  () => exotelWire(),
  () => vonageWire(),
];

/** Real messages of every vendor: openings, media, keys, marks, stops. */
function corpus(): Buffer[] {
  const out: Buffer[] = [];
  for (const make of WIRES) {
    const wire = make();
    const payload = Buffer.alloc(wire.encoding.codec.startsWith('l16') ? 320 : 160, 0x55);
    const messages = [...wire.opening('tok-1'), wire.media(payload), wire.dtmf('5'), wire.markEcho('t4'), wire.stop()];
    for (const m of messages) if (m !== null) out.push(Buffer.isBuffer(m) ? m : Buffer.from(m));
  }
  return out;
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  '',
  'x'.repeat(300),
  [],
  {},
  true,
  '0',
  'NaN',
  '=',
  '***',
  { token: 1 },
  [{ name: 'token' }],
];

/** One mutation of a JSON message: a field's value swapped for an odd one, a key dropped, or the text cut, spliced or garbled. */
function mutate(input: Buffer, rand: () => number): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  const text = input.toString('utf8');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // binary audio or already broken: byte mutations only
  }
  const kind = pick(json ? 6 : 3);
  if (kind === 0) return input.subarray(0, pick(input.length + 1)); // truncated
  if (kind === 1) {
    const buf = Buffer.from(input);
    for (let i = 0, n = 1 + pick(6); i < n && buf.length > 0; i++) buf[pick(buf.length)] = pick(256);
    return buf;
  }
  if (kind === 2) {
    const at = pick(input.length + 1);
    return Buffer.concat([
      input.subarray(0, at),
      Buffer.from(['{', '}', '"', ',', ':', '[', '\\', '\u0000'][pick(8)]!),
      input.subarray(at),
    ]);
  }
  // Structural: walk to a random nested object and change one of its fields.
  const root = json as Record<string, unknown>;
  let node: Record<string, unknown> = root;
  for (let depth = 0; depth < 3; depth++) {
    const inner = Object.values(node).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
    if (inner.length === 0 || rand() < 0.4) break;
    node = inner[pick(inner.length)]!;
  }
  const keys = Object.keys(node);
  const key = keys[pick(keys.length)] ?? 'event';
  if (kind === 3) delete node[key];
  else if (kind === 4) node[key] = ODD_VALUES[pick(ODD_VALUES.length)];
  else node[['event', 'start', 'media', 'payload', 'mark', 'dtmf', 'token'][pick(7)]!] = ODD_VALUES[pick(ODD_VALUES.length)];
  return Buffer.from(JSON.stringify(root));
}

describe('media-stream parsers under random and truncated input (seeded)', () => {
  it('detectStream never throws and always answers more, a framing, or a refusal with a code (4,000 cases)', () => {
    const rand = seededRandom(8);
    const seeds = corpus();
    const kinds = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const input = mutate(seeds[i % seeds.length]!, rand);
      const isBinary = rand() < 0.1;
      const detection = detectStream(input, isBinary, rand() < 0.5);
      kinds.add(detection.kind);
      if (detection.kind === 'refused') {
        expect(detection.error).toBeInstanceOf(MediaStreamError);
        expect(detection.error.code).toMatch(/^(unrecognised_stream|unsupported_encoding)$/);
      }
      if (detection.kind === 'framing') expect(detection.framing.start.encoding.sampleRateHz % 50).toBe(0);
    }
    // The mutations reach every branch, so the loop above checked each of them.
    expect([...kinds].sort()).toEqual(['framing', 'more', 'refused']);
  });

  it('every vendor parser turns mutated messages into typed events without throwing (4,000 cases)', () => {
    const rand = seededRandom(9);
    const framings: VendorFraming[] = WIRES.map((make) => {
      const wire = make();
      const opening = wire.opening('tok-1');
      const last = opening.at(-1)!;
      const detection = detectStream(Buffer.isBuffer(last) ? last : Buffer.from(last), false, opening.length > 1);
      if (detection.kind !== 'framing') throw new Error(`${wire.vendor} opening not recognised`);
      return detection.framing;
    });
    const seeds = corpus();
    const types = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const framing = framings[i % framings.length]!;
      const seed = seeds[pick(rand, seeds.length)]!;
      const input = mutate(seed, rand);
      const event = framing.parse(input, framing.start.vendor === 'vonage' && rand() < 0.5);
      types.add(event.type);
      if (event.type === 'audio') expect(event.payload.length).toBeGreaterThan(0);
      if (event.type === 'dtmf') expect(event.digit).toMatch(/^[0-9*#A-D]$/);
    }
    expect(types).toContain('bad');
    expect(types).toContain('audio');
  });

  it('a live channel fed 2,000 mutated messages per vendor stays up, counts the bad ones and delivers only whole frames', async () => {
    for (const [index, make] of WIRES.entries()) {
      const rand = seededRandom(100 + index);
      const { channel, socket, carrier } = await openInMemoryStream(make(), { channel: { maxBadInRow: 1_000_000 } });
      if (!channel) throw new Error('stream refused');
      const frameSizes = new Set<number>();
      channel.onFrame((f) => frameSizes.add(f.samples.length));
      // No stop among the seeds (a stop ends the call; mutations cannot make one): the channel must take all 2,000.
      const seeds = corpus().filter((m) => !m.toString('latin1').includes('"stop"'));
      for (let i = 0; i < 2000; i++) {
        const input = mutate(seeds[pick(rand, seeds.length)]!, rand);
        expect(() => channel.receive(input, carrier.wire.vendor === 'vonage' && rand() < 0.5)).not.toThrow();
      }
      expect(channel.stats().badMessages).toBeGreaterThan(0);
      expect([...frameSizes].every((n) => n === channel.sampleRateHz / 50)).toBe(true);
      expect(socket.closedWith).toBeNull();
    }
  });
});

function pick(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}
