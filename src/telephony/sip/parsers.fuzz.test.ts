import { describe, expect, it } from 'vitest';
import { AizuchiError } from '../../domain/errors';
import { chooseChallenge } from './digest';
import { dtmfFromInfo } from './info-dtmf';
import {
  header,
  headerValues,
  parseCSeq,
  parseNameAddr,
  parseSipDatagram,
  parseUri,
  parseVia,
  SipStreamParser,
  type SipMessage,
} from './message';
import { parseRtp, serializeRtp } from './rtp';
import { negotiateAnswer, parseSdp } from './sdp';
import { serializeTelephoneEvent, TelephoneEventReceiver } from './telephone-event';
import { seededRandom } from '../../media/testing/signals';
import { mutate } from './testing/fuzz';

// Real messages of the kinds a trunk sends us (shapes from a Kamailio + baresip capture, §4.8).
const CORPUS = [
  [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;rport=5070;branch=z9hG4bK1',
    'Record-Route: <sip:127.0.0.1:5160;lr>',
    'From: <sip:aizuchi@127.0.0.1>;tag=a1',
    'To: <sip:+819012345678@127.0.0.1>;tag=b2',
    'Call-ID: c1@aizuchi',
    'CSeq: 2 INVITE',
    'Contact: <sip:+819012345678@127.0.0.1:5190;transport=udp>',
    'Content-Type: application/sdp',
    'Content-Length: 142',
    '',
    'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n',
  ].join('\r\n'),
  [
    'SIP/2.0 407 Proxy Authentication Required',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;rport=5070;branch=z9hG4bK1',
    'From: <sip:aizuchi@127.0.0.1>;tag=a1',
    'To: <sip:+819012345678@127.0.0.1>;tag=k',
    'Call-ID: c1@aizuchi',
    'CSeq: 1 INVITE',
    'Proxy-Authenticate: Digest realm="127.0.0.1", nonce="Y2FmZWJhYmU=", qop="auth", algorithm=SHA-256',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'),
  [
    'INFO sip:aizuchi@127.0.0.1:5070 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5160;branch=z9hG4bK9',
    'From: <sip:+819012345678@127.0.0.1>;tag=b2',
    'To: <sip:aizuchi@127.0.0.1>;tag=a1',
    'Call-ID: c1@aizuchi',
    'CSeq: 3 INFO',
    'Content-Type: application/dtmf-relay',
    'Content-Length: 24',
    '',
    'Signal=5\r\nDuration=160\r\n',
  ].join('\r\n'),
  [
    'BYE sip:aizuchi@127.0.0.1:5070 SIP/2.0',
    'v: SIP/2.0/TCP 127.0.0.1:5160;branch=z9hG4bK7',
    'f: <sip:+819012345678@127.0.0.1>;tag=b2',
    't: <sip:aizuchi@127.0.0.1>;tag=a1',
    'i: c1@aizuchi',
    'CSeq: 4 BYE',
    'l: 0',
    '',
    '',
  ].join('\r\n'),
].map((text) => Buffer.from(text, 'latin1'));

/** Exercises every reader the UA applies to a parsed message; only our own errors may come out. */
function readEverything(msg: SipMessage): void {
  const attempt = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(AizuchiError);
    }
  };
  for (const v of headerValues(msg, 'via')) attempt(() => parseVia(v));
  for (const name of ['from', 'to', 'contact', 'record-route'])
    for (const v of headerValues(msg, name)) attempt(() => parseUri(parseNameAddr(v).uri));
  attempt(() => parseCSeq(header(msg, 'cseq')));
  attempt(() => chooseChallenge(headerValues(msg, 'proxy-authenticate')));
  attempt(() => negotiateAnswer(parseSdp(msg.body.toString('utf8'))));
  attempt(() => dtmfFromInfo(header(msg, 'content-type'), msg.body));
}

describe('parsers under fuzzing (seeded, deterministic)', () => {
  it('SIP datagrams: 6000 mutated real messages and random bytes parse or throw SipParseError, nothing else', () => {
    const rand = seededRandom(8);
    let parsed = 0;
    for (let i = 0; i < 6000; i++) {
      let input: Buffer = CORPUS[i % CORPUS.length]!;
      for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) input = mutate(input, rand);
      try {
        readEverything(parseSipDatagram(input));
        parsed++;
      } catch (error) {
        expect(error).toBeInstanceOf(AizuchiError);
      }
    }
    // Many mutations leave a message intact enough to parse, so the readers were exercised too.
    expect(parsed).toBeGreaterThan(500);
  });

  it('the TCP framer: 2000 mutated streams in random chunks yield messages or one SipParseError', () => {
    const rand = seededRandom(4733);
    for (let i = 0; i < 2000; i++) {
      const stream = mutate(Buffer.concat([CORPUS[i % CORPUS.length]!, CORPUS[(i + 1) % CORPUS.length]!]), rand);
      const parser = new SipStreamParser();
      try {
        for (let at = 0; at < stream.length;) {
          const size = 1 + Math.floor(rand() * 64);
          for (const msg of parser.push(stream.subarray(at, at + size))) readEverything(msg);
          at += size;
        }
      } catch (error) {
        expect(error).toBeInstanceOf(AizuchiError);
      }
    }
  });

  it('RTP: 6000 mutated and random packets parse or throw RtpParseError; telephone-event reads never throw', () => {
    const rand = seededRandom(3550);
    const real = [
      serializeRtp({ marker: true, payloadType: 0, sequence: 1, timestamp: 160, ssrc: 42, payload: Buffer.alloc(160, 0xff) }),
      serializeRtp({
        marker: false,
        payloadType: 101,
        sequence: 2,
        timestamp: 320,
        ssrc: 42,
        payload: serializeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 1440 }),
      }),
    ];
    const events = new TelephoneEventReceiver();
    let parsed = 0;
    for (let i = 0; i < 6000; i++) {
      const input = mutate(real[i % 2]!, rand);
      try {
        const p = parseRtp(input);
        parsed++;
        expect(p.payload.length).toBeLessThanOrEqual(input.length);
        events.accept(p.ssrc, p.timestamp, p.payload);
      } catch (error) {
        expect(error).toBeInstanceOf(AizuchiError);
      }
    }
    expect(parsed).toBeGreaterThan(500);
  });
});
