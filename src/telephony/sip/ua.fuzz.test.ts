import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../media/testing/signals';
import { header, serializeSip, type SipRequest } from './message';
import { serializeRtp } from './rtp';
import { bindRtpPort, createRtpChannel } from './rtp-channel';
import { SipCarrier } from './sip-carrier';
import { mutate } from './testing/fuzz';
import { TestTrunk } from './testing/test-trunk';

// The parsers are fuzzed on their own (parsers.fuzz.test.ts); here the running UA and an RTP
// channel take thousands of mutated packets over real sockets and still work afterwards.

const options = (branch: string, port: number): SipRequest => ({
  kind: 'request',
  method: 'OPTIONS',
  uri: 'sip:aizuchi@127.0.0.1',
  headers: [
    ['Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=${branch}`],
    ['From', '<sip:trunk@127.0.0.1>;tag=f'],
    ['To', '<sip:aizuchi@127.0.0.1>'],
    ['Call-ID', `${branch}@trunk`],
    ['CSeq', '1 OPTIONS'],
  ],
  body: Buffer.alloc(0),
});

describe('a running SIP UA and RTP channel under fuzzing', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('2000 mutated SIP datagrams from the trunk leave the UA answering', async () => {
    const trunk = await TestTrunk.start();
    const carrier = new SipCarrier(
      { trunk: trunk.uri, from: 'aizuchi', listen: '127.0.0.1:0', rtpPorts: '40000-40999', registerExpiresSec: 0 },
      { progress: async () => undefined, answered: async () => ({ ok: false, reason: 'unknown' }) },
    );
    cleanup.push(
      () => trunk.close(),
      () => carrier.close(),
    );
    const ua = await carrier.start();
    const to = { address: '127.0.0.1', port: ua.localPort };
    const seeds = [
      serializeSip(options('z9hG4bKseed', trunk.port)),
      Buffer.from(
        'INFO sip:aizuchi@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKi\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 2 INFO\r\nContent-Type: application/dtmf-relay\r\nContent-Length: 8\r\n\r\nSignal=5',
      ),
      Buffer.from(
        'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKr\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: y\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
      ),
    ];
    const rand = seededRandom(3261);
    for (let i = 0; i < 2000; i++) {
      trunk.sendRaw(mutate(seeds[i % seeds.length]!, rand), to);
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    // UDP may drop under the flood (as a trunk would retransmit, so does this check): ask until answered.
    let answer;
    for (let n = 0; n < 50 && !answer; n++) {
      trunk.sendRaw(serializeSip(options(`z9hG4bKafter${n}`, trunk.port)), to);
      await new Promise((r) => setTimeout(r, 100));
      answer = trunk.responses.find((r) => header(r, 'via')?.includes('z9hG4bKafter'));
    }
    expect(ua.transport.stats().malformed).toBeGreaterThan(100);
    expect(answer?.status).toBe(200);
  });

  it('2000 mutated RTP packets leave the channel decoding the next good one', async () => {
    const { port, localPort } = await bindRtpPort('127.0.0.1', 41000, 41999);
    const channel = createRtpChannel({
      port,
      remote: { address: '127.0.0.1', port: 9 },
      payloadType: 0,
      law: 'mulaw',
      telephoneEventPt: 101,
    });
    cleanup.push(() => channel.close('done'));
    const frames: number[] = [];
    channel.onFrame((f) => frames.push(f.samples.length));
    channel.onDtmf(() => undefined);
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => sender.close(() => r())));
    const good = (seq: number) =>
      serializeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc: 1, payload: Buffer.alloc(160, 0x7f) });
    const rand = seededRandom(3550);
    for (let i = 0; i < 2000; i++) {
      sender.send(mutate(good(i), rand), localPort, '127.0.0.1');
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    const before = frames.length;
    sender.send(good(5000), localPort, '127.0.0.1');
    for (let i = 0; i < 100 && frames.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(frames.length).toBeGreaterThan(before);
    expect(channel.stats().packetsIgnored).toBeGreaterThan(0);
  });
});
