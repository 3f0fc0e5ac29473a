import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRtp, serializeRtp } from './rtp';
import { createRtpChannel, type DatagramPort } from './rtp-channel';

function memoryPort() {
  const sent: Array<{ packet: Buffer; port: number; address: string }> = [];
  let listener: ((packet: Buffer, from: { address: string; port: number }) => void) | null = null;
  const port: DatagramPort = {
    send: (packet, p, address) => void sent.push({ packet: Buffer.from(packet), port: p, address }),
    onMessage: (l) => void (listener = l),
    close: () => undefined,
  };
  return { port, sent, deliver: (packet: Buffer, from = { address: '198.51.100.7', port: 41000 }) => listener?.(packet, from) };
}

const pcmu = (seq: number, payload = Buffer.alloc(160, 0xff)) =>
  serializeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc: 5, payload });

describe('SIP RTP channel', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps 20 ms silence flowing from answer until the first agent frame (§4.6), then only agent frames', () => {
    vi.useFakeTimers();
    const wire = memoryPort();
    const channel = createRtpChannel({
      port: wire.port,
      remote: { address: '192.0.2.1', port: 4000 },
      payloadType: 0,
      law: 'mulaw',
      telephoneEventPt: 101,
    });
    channel.startSilence();
    vi.advanceTimersByTime(100);
    expect(wire.sent).toHaveLength(6); // one at once, then every 20 ms
    const headers = wire.sent.map((s) => parseRtp(s.packet));
    expect(headers[0]!.marker).toBe(true);
    expect(headers.slice(1).every((h) => !h.marker)).toBe(true);
    expect(headers.map((h) => h.timestamp - headers[0]!.timestamp)).toEqual([0, 160, 320, 480, 640, 800]);
    expect(headers.map((h) => (h.sequence - headers[0]!.sequence) & 0xffff)).toEqual([0, 1, 2, 3, 4, 5]);
    channel.sendFrame({ samples: new Int16Array(160).fill(1000), sampleRateHz: 8000 });
    vi.advanceTimersByTime(100);
    expect(wire.sent).toHaveLength(7);
    channel.close('ended');
  });

  it('latches onto where the media really comes from (symmetric RTP behind NAT) and ignores other sources after that', () => {
    const wire = memoryPort();
    const channel = createRtpChannel({
      port: wire.port,
      remote: { address: '10.0.0.5', port: 4000 },
      payloadType: 0,
      law: 'mulaw',
      telephoneEventPt: null,
    });
    channel.sendFrame({ samples: new Int16Array(160), sampleRateHz: 8000 });
    wire.deliver(pcmu(1), { address: '203.0.113.9', port: 50123 });
    channel.sendFrame({ samples: new Int16Array(160), sampleRateHz: 8000 });
    expect(wire.sent.map((s) => `${s.address}:${s.port}`)).toEqual(['10.0.0.5:4000', '203.0.113.9:50123']);
    // A later packet from elsewhere does not move the media, and is not taken for the caller (no injection mid-call).
    const frames: number[] = [];
    channel.onFrame((f) => frames.push(f.samples.length));
    wire.deliver(pcmu(2), { address: '198.51.100.66', port: 9 });
    channel.sendFrame({ samples: new Int16Array(160), sampleRateHz: 8000 });
    expect(wire.sent[2]!.address).toBe('203.0.113.9');
    expect(frames).toEqual([]);
    wire.deliver(pcmu(3), { address: '203.0.113.9', port: 50123 });
    expect(frames).toEqual([160]);
    channel.close('ended');
  });

  it('re-cuts packets of other lengths into 20 ms frames and drops junk and foreign payload types', () => {
    const wire = memoryPort();
    const channel = createRtpChannel({
      port: wire.port,
      remote: { address: '192.0.2.1', port: 4000 },
      payloadType: 0,
      law: 'mulaw',
      telephoneEventPt: 101,
    });
    const frames: number[] = [];
    channel.onFrame((f) => frames.push(f.samples.length));
    wire.deliver(pcmu(1, Buffer.alloc(240, 0xff))); // 30 ms
    wire.deliver(pcmu(2, Buffer.alloc(80, 0xff))); // 10 ms
    wire.deliver(Buffer.from('not rtp'));
    wire.deliver(serializeRtp({ marker: false, payloadType: 13, sequence: 3, timestamp: 1, ssrc: 5, payload: Buffer.from([40]) })); // comfort noise
    expect(frames).toEqual([160, 160]);
    expect(channel.stats()).toMatchObject({ packetsIn: 2, packetsIgnored: 2 });
    channel.close('ended');
  });

  it('reports the local close to the dialog once, and a remote close not at all', () => {
    const local: string[] = [];
    const a = createRtpChannel({
      port: memoryPort().port,
      remote: { address: '192.0.2.1', port: 4000 },
      payloadType: 0,
      law: 'mulaw',
      telephoneEventPt: null,
      onLocalClose: (r) => local.push(r),
    });
    a.close('agent done');
    a.close('again');
    const b = createRtpChannel({
      port: memoryPort().port,
      remote: { address: '192.0.2.1', port: 4000 },
      payloadType: 0,
      law: 'mulaw',
      telephoneEventPt: null,
      onLocalClose: (r) => local.push(r),
    });
    b.remoteClosed('caller hung up');
    b.close('late');
    expect(local).toEqual(['agent done']);
  });
});
