import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeRtp } from '../../src/telephony/sip/rtp';
import { bindRtpPort, createRtpChannel, type RtpAudioChannel } from '../../src/telephony/sip/rtp-channel';
import { serializeTelephoneEvent } from '../../src/telephony/sip/telephone-event';

/**
 * Issue 8 (Safety): a SIP call's media belongs to the far end the call was set up with. RTP has no
 * authentication, so whoever can reach our RTP port (the range is small and the port is in the SDP
 * every hop sees) could speak to the agent or key the mailed code into someone else's call — the
 * one proof of phone possession riding on audio and RFC 4733 events from an unauthenticated source.
 * Kind: media accepted from a source other than the call's peer. Once the channel has latched onto
 * the far end (TELEPHONY.md §4.6), audio AND key events from any other address:port are dropped.
 * Real UDP sockets on loopback: the peer and the attacker differ only by port, as a NAT'd attacker
 * behind the same relay would.
 */
describe('RTP from another source mid-call', () => {
  const sockets: dgram.Socket[] = [];
  let channel: RtpAudioChannel | null = null;

  afterEach(() => {
    channel?.close('test over');
    channel = null;
    for (const s of sockets.splice(0)) s.close();
  });

  async function udp(): Promise<dgram.Socket> {
    const s = dgram.createSocket('udp4');
    sockets.push(s);
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return s;
  }

  const pcmu = (seq: number, ssrc: number) =>
    serializeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc, payload: Buffer.alloc(160, 0x80) });
  const key = (digit: number, seq: number, ssrc: number, ts: number) =>
    serializeRtp({
      marker: true,
      payloadType: 101,
      sequence: seq,
      timestamp: ts,
      ssrc,
      payload: serializeTelephoneEvent({ event: digit, end: false, volume: 10, duration: 160 }),
    });

  async function setUp() {
    const bound = await bindRtpPort('127.0.0.1', 21000, 21999);
    const peer = await udp();
    const attacker = await udp();
    channel = createRtpChannel({
      port: bound.port,
      remote: { address: '127.0.0.1', port: peer.address().port },
      payloadType: 0,
      law: 'mulaw',
      telephoneEventPt: 101,
    });
    const frames: string[] = [];
    const digits: string[] = [];
    channel.onFrame(() => frames.push('frame'));
    channel.onDtmf((d) => digits.push(d));
    const send = (s: dgram.Socket, packet: Buffer) =>
      new Promise<void>((resolve, reject) => s.send(packet, bound.localPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    /** Waits until the channel has seen `n` datagrams in all (delivered or ignored): loopback UDP is asynchronous. */
    const settled = async (n: number) => {
      for (let i = 0; i < 500; i++) {
        const s = channel!.stats();
        if (s.packetsIn + s.packetsIgnored >= n) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`the channel saw ${JSON.stringify(channel!.stats())}, expected ${n} datagrams`);
    };
    return { peer, attacker, frames, digits, send, settled };
  }

  it('drops key events another source injects into the call, and keeps the peer’s', async () => {
    const { peer, attacker, digits, send, settled } = await setUp();
    await send(peer, pcmu(1, 0x1111)); // the far end's media starts: the channel latches onto it
    await settled(1);
    await send(attacker, key(4, 900, 0x2222, 5000)); // "4" keyed by someone else
    await send(attacker, key(2, 901, 0x2222, 6000));
    await settled(3);
    await send(peer, key(7, 2, 0x1111, 320));
    await settled(4);
    expect(digits).toEqual(['7']);
    expect(channel!.stats()).toMatchObject({ packetsIn: 2, packetsIgnored: 2 });
  });

  it('drops audio another source sends once the call has latched, so nobody else talks to the agent', async () => {
    const { peer, attacker, frames, send, settled } = await setUp();
    await send(peer, pcmu(1, 0x1111));
    await settled(1);
    for (let i = 0; i < 5; i++) await send(attacker, pcmu(100 + i, 0x2222));
    await settled(6);
    expect(frames).toHaveLength(1);
    expect(channel!.stats()).toMatchObject({ packetsIn: 1, packetsIgnored: 5 });
  });

  it('a key event sent before any audio latches the call to its sender, so a later stranger cannot key either', async () => {
    const { peer, attacker, digits, send, settled } = await setUp();
    await send(peer, key(1, 1, 0x1111, 0));
    await settled(1);
    await send(attacker, key(9, 50, 0x2222, 999));
    await send(attacker, pcmu(51, 0x2222));
    await settled(3);
    expect(digits).toEqual(['1']);
    expect(channel!.stats()).toMatchObject({ packetsIn: 1, packetsIgnored: 2 });
  });
});
