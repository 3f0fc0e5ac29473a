import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { carrierConformance } from '../../channels/carrier.conformance';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallProgress, CarrierEvents, CarrierLeg } from '../../channels/carrier';
import { AizuchiError } from '../../domain/errors';
import { header, parseSipDatagram, serializeSip, type SipRequest } from './message';
import { SipCarrier } from './sip-carrier';
import { TestTrunk, type TestTrunkOptions } from './testing/test-trunk';

let n = 0;
const request = (ringTimeoutSec = 30) => ({
  callId: `call-${++n}`,
  toE164: '+81312345678',
  lang: 'ja' as const,
  mediaToken: `token-${n}`,
  ringTimeoutSec,
});

function events() {
  const seen: Array<{ leg: CarrierLeg; p: CallProgress }> = [];
  const channels: AudioChannel[] = [];
  const sink: CarrierEvents & { seen: typeof seen; channels: typeof channels } = {
    seen,
    channels,
    async progress(leg, p) {
      seen.push({ leg, p });
    },
    async answered(_token, audio) {
      channels.push(audio);
      return { ok: true, callId: 'c' };
    },
  };
  return sink;
}

function carrierFor(trunk: TestTrunk, sink: CarrierEvents, extra: Partial<ConstructorParameters<typeof SipCarrier>[0]> = {}) {
  return new SipCarrier(
    {
      trunk: trunk.uri,
      user: 'aizuchi',
      password: 'pw',
      from: '+81501234567',
      listen: '127.0.0.1:0',
      rtpPorts: '30000-39999',
      registerExpiresSec: 0,
      ...extra,
    },
    sink,
  );
}

/** Waits a little for a state to settle (a BYE in flight on loopback), then reports it. */
async function settled<T>(read: () => T, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 50 && !done(read()); i++) await new Promise((r) => setTimeout(r, 20));
  return read();
}

carrierConformance('sip (in-test trunk, SHA-256 digest)', async () => {
  const trunk = await TestTrunk.start({ challenge: 'SHA-256', password: 'pw' });
  const carrier = carrierFor(trunk, events());
  return {
    carrier,
    request: () => request(),
    refuseNext: (retryable) => trunk.refuseNext(retryable ? 503 : 404),
    endRemotely: async (leg) => {
      await trunk.until(() => trunk.state(leg.carrierCallId) === 'up');
      await trunk.inDialog(leg.carrierCallId, 'BYE');
    },
    // A BYE or CANCEL may still be in flight on loopback: give the state a moment to end.
    isUp: async (leg) => {
      const state = await settled(
        () => trunk.state(leg.carrierCallId),
        (s) => s === 'ended',
      );
      return state === 'up' || state === 'ringing';
    },
    teardown: () => trunk.close(),
  };
});

describe('SIP carrier against an in-test trunk', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });
  const start = async (o: TestTrunkOptions, extra = {}) => {
    const trunk = await TestTrunk.start(o);
    const sink = events();
    const carrier = carrierFor(trunk, sink, extra);
    open.push(trunk, carrier);
    return { trunk, sink, carrier };
  };

  it("answers the trunk's MD5 and SHA-256 challenges, and a wrong password is refused for good", async () => {
    for (const challenge of ['MD5', 'SHA-256'] as const) {
      const { sink, carrier } = await start({ challenge, password: 'pw' });
      await carrier.place(request());
      await settled(
        () => sink.channels.length,
        (l) => l === 1,
      );
      expect(sink.channels).toHaveLength(1);
    }
    const { carrier } = await start({ challenge: 'SHA-256', password: 'other' });
    const refused = await carrier.place(request()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AizuchiError);
    expect(refused).toMatchObject({ retryable: false, code: 'sip_407' });
  });

  it('accepts requests only from the trunk: another address gets 403, the trunk gets OPTIONS 200 and INVITE 480', async () => {
    const { trunk, carrier } = await start({});
    const ua = await carrier.start();
    const foreign = dgram.createSocket('udp4');
    await new Promise<void>((r) => foreign.bind(0, '127.0.0.2', () => r()));
    const replies: number[] = [];
    foreign.on('message', (b) => {
      const m = parseSipDatagram(b);
      if (m.kind === 'response') replies.push(m.status);
    });
    const invite = (from: string, method = 'INVITE'): SipRequest => ({
      kind: 'request',
      method,
      uri: `sip:+81312345678@127.0.0.1:${ua.localPort}`,
      headers: [
        ['Via', `SIP/2.0/UDP ${from};branch=z9hG4bK${Math.random().toString(16).slice(2)}`],
        ['From', '<sip:fraud@example.com>;tag=1'],
        ['To', '<sip:+81312345678@127.0.0.1>'],
        ['Call-ID', `${Math.random()}@x`],
        ['CSeq', `1 ${method}`],
      ],
      body: Buffer.alloc(0),
    });
    foreign.send(serializeSip(invite('127.0.0.2:1')), ua.localPort, '127.0.0.1');
    await settled(
      () => replies.length,
      (l) => l > 0,
    );
    foreign.close();
    expect(replies).toEqual([403]);
    expect(ua.stats().refusedForeign).toBe(1);
    trunk.sendRaw(serializeSip(invite(`127.0.0.1:${trunk.port}`, 'OPTIONS')), { address: '127.0.0.1', port: ua.localPort });
    trunk.sendRaw(serializeSip(invite(`127.0.0.1:${trunk.port}`)), { address: '127.0.0.1', port: ua.localPort });
    // Garbage from the trunk itself is dropped; the UA keeps answering.
    trunk.sendRaw(Buffer.from('INVITE sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n'), { address: '127.0.0.1', port: ua.localPort });
    const statuses = await trunk.until(() => {
      const got = trunk.responses.map((r) => r.status);
      return got.length >= 2 ? got : undefined;
    });
    expect(statuses.sort()).toEqual([200, 480]);
  });

  it('in the call: re-INVITE gets our same SDP, SIP INFO keys arrive as digits, BYE from the phone ends it', async () => {
    const { trunk, sink, carrier } = await start({});
    const leg = await carrier.place(request());
    await settled(
      () => sink.channels.length,
      (l) => l === 1,
    );
    const digits: string[] = [];
    sink.channels[0]!.onDtmf((d) => digits.push(d));
    const invite = trunk.requests.find((r) => r.method === 'INVITE')!;
    const reinvite = await trunk.inDialog(leg.carrierCallId, 'INVITE', { type: 'application/sdp', content: 'v=0\r\n' });
    expect(reinvite.status).toBe(200);
    expect(reinvite.body.toString()).toBe(invite.body.toString());
    expect(
      (await trunk.inDialog(leg.carrierCallId, 'INFO', { type: 'application/dtmf-relay', content: 'Signal=7\r\nDuration=160\r\n' })).status,
    ).toBe(200);
    expect((await trunk.inDialog(leg.carrierCallId, 'INFO', { type: 'application/dtmf', content: '#' })).status).toBe(200);
    expect(digits).toEqual(['7', '#']);
    expect((await trunk.inDialog(leg.carrierCallId, 'BYE')).status).toBe(200);
    await settled(
      () => sink.seen.length,
      (l) => l >= 3,
    );
    expect(sink.seen.map((s) => s.p)).toEqual([{ kind: 'ringing' }, { kind: 'answered' }, { kind: 'ended', result: 'completed' }]);
  });

  it('a 200 that crosses our CANCEL is ACKed and ended with BYE (TELEPHONY.md §4.1)', async () => {
    const { trunk, sink, carrier } = await start({ behaviour: 'ring', answerOnCancel: true });
    const leg = await carrier.place(request());
    await carrier.hangup(leg);
    await trunk.until(() => trunk.methods(leg.carrierCallId).includes('BYE'));
    expect(trunk.methods(leg.carrierCallId)).toEqual(['INVITE', 'CANCEL', 'ACK', 'BYE']);
    await settled(
      () => sink.seen.length,
      (l) => l >= 2,
    );
    expect(sink.seen.map((s) => s.p)).toEqual([{ kind: 'ringing' }, { kind: 'ended', result: 'cancelled' }]);
    expect(sink.channels).toHaveLength(0);
  });

  it("presents the caller ID of the case's language, and dials the E.164 number on the trunk's host", async () => {
    const { trunk, carrier } = await start({}, { fromByLang: { en: '+81501230000' } });
    const ja = await carrier.place(request());
    const en = await carrier.place({ ...request(), lang: 'en' as const });
    const inviteOf = (callId: string) => trunk.requests.find((r) => r.method === 'INVITE' && header(r, 'call-id') === callId)!;
    expect(header(inviteOf(ja.carrierCallId), 'from')).toMatch(/^<sip:\+81501234567@127\.0\.0\.1>;tag=/);
    expect(header(inviteOf(en.carrierCallId), 'from')).toMatch(/^<sip:\+81501230000@127\.0\.0\.1>;tag=/);
    expect(inviteOf(ja.carrierCallId).uri).toBe(`sip:+81312345678@127.0.0.1:${trunk.port}`);
  });

  it('maps final answers: 486 busy, 480 no answer, 404 failed (after the trunk took the call)', async () => {
    for (const [status, result] of [
      [486, 'busy'],
      [480, 'no_answer'],
      [404, 'failed'],
    ] as const) {
      const { sink, carrier } = await start({ behaviour: status });
      await carrier.place(request());
      await settled(
        () => sink.seen.length,
        (l) => l >= 1,
      );
      expect(sink.seen.map((s) => s.p)).toEqual([{ kind: 'ended', result, sipCode: status }]);
    }
  });

  it('REGISTERs with digest auth at start and refreshes before the binding expires', async () => {
    const { trunk, carrier } = await start({ challenge: 'MD5', password: 'pw', registerExpiresSec: 10 }, { registerExpiresSec: 60 });
    await carrier.start();
    expect(carrier.registrationState()).toEqual({ registered: true, lastStatus: 200 });
    const registers = () => trunk.requests.filter((r) => r.method === 'REGISTER');
    expect(registers().map((r) => header(r, 'authorization') !== undefined)).toEqual([false, true]);
    // Refreshed at half the granted 10 s: the next REGISTER comes without waiting for expiry.
    await trunk.until(() => registers().length >= 3);
    expect(header(registers()[2]!, 'expires')).toBe('60');
  }, 20_000);
});
