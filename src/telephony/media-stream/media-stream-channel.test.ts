import { describe, expect, it } from 'vitest';
import type { CarrierEvents } from '../../channels/carrier';
import { openInMemoryStream } from './testing/in-memory-stream';
import { telnyxWire } from './testing/telnyx-wire';
import { twilioWire } from './testing/twilio-wire';

const frame = (marker: number) => new Int16Array(160).fill(marker);

describe('MediaStreamAudioChannel', () => {
  it('puts audio chunks that arrive out of order back in order (Telnyx does not guarantee it), and drops late ones', async () => {
    const { channel, carrier } = await openInMemoryStream(telnyxWire({ encoding: 'L16' }));
    const got: number[] = [];
    channel!.onFrame((f) => got.push(f.samples[0]!));
    carrier.sendAudio(frame(100), 1);
    carrier.sendAudio(frame(300), 3);
    carrier.sendAudio(frame(200), 2);
    carrier.sendAudio(frame(400), 4);
    carrier.sendAudio(frame(150), 2); // a duplicate of a chunk already played
    expect(got).toEqual([100, 200, 300, 400]);
    expect(channel!.stats().framesLate).toBe(1);
  });

  it('goes on past a lost chunk once a few later ones are waiting', async () => {
    const { channel, carrier } = await openInMemoryStream(telnyxWire({ encoding: 'L16' }), { channel: { reorderWindow: 2 } });
    const got: number[] = [];
    channel!.onFrame((f) => got.push(f.samples[0]!));
    carrier.sendAudio(frame(100), 1);
    carrier.sendAudio(frame(300), 3); // chunk 2 never comes
    carrier.sendAudio(frame(400), 4);
    expect(got).toEqual([100]);
    carrier.sendAudio(frame(500), 5);
    expect(got).toEqual([100, 300, 400, 500]);
  });

  it('holds at most maxHeldFrames of caller audio while the token is checked, keeping the newest', async () => {
    let accept!: () => void;
    const got: number[] = [];
    const events: CarrierEvents = {
      progress: async () => undefined,
      answered: (_token, audio) => {
        audio.onFrame((f) => got.push(f.samples[0]!));
        return new Promise((resolve) => (accept = () => resolve({ ok: true, callId: 'c' })));
      },
    };
    const { socket, carrier } = await openInMemoryStream(twilioWire(), { events, channel: { maxHeldFrames: 3 } });
    for (let i = 1; i <= 5; i++) carrier.sendAudio(frame(i * 1000));
    carrier.sendDtmf('7');
    expect(got).toEqual([]);
    accept();
    await new Promise((r) => setImmediate(r));
    expect(socket.closedWith).toBeNull();
    // μ-law keeps these markers to within its step (1000 → 988 … 5000 → 5116 or so): compare the order.
    expect(got).toHaveLength(3);
    expect(got[0]).toBeGreaterThan(2500);
    expect([...got].sort((x, y) => x - y)).toEqual(got);
  });

  it('drops agent frames while the socket is backed up instead of queueing delay', async () => {
    const { channel, socket, carrier } = await openInMemoryStream(twilioWire(), { channel: { maxBufferedBytes: 1000 } });
    channel!.sendFrame({ samples: frame(1000), sampleRateHz: 8000 });
    socket.buffered = 5000;
    channel!.sendFrame({ samples: frame(1000), sampleRateHz: 8000 });
    socket.buffered = 0;
    channel!.sendFrame({ samples: frame(1000), sampleRateHz: 8000 });
    expect(carrier.heard()).toHaveLength(2);
    expect(channel!.stats()).toMatchObject({ framesOut: 2, framesDropped: 1 });
  });

  it('closes a stream that sends nothing but garbage (1008), after counting it', async () => {
    const { channel, socket, carrier } = await openInMemoryStream(twilioWire(), { channel: { maxBadInRow: 10 } });
    const closes: string[] = [];
    channel!.onClose((r) => closes.push(r));
    for (let i = 0; i < 9; i++) carrier.sendRaw('garbage');
    carrier.sendDtmf('1'); // a good message resets the run
    for (let i = 0; i < 9; i++) carrier.sendRaw('garbage');
    expect(socket.closedWith).toBeNull();
    carrier.sendRaw('garbage');
    expect(socket.closedWith).toEqual({ code: 1008, reason: 'protocol_error' });
    expect(closes).toEqual(['protocol_error']);
    expect(channel!.stats().badMessages).toBe(19);
  });
});
