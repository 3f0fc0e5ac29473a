import { describe, expect, it } from 'vitest';
import {
  header,
  headerValues,
  parseCSeq,
  parseNameAddr,
  parseSipDatagram,
  parseUri,
  parseVia,
  responseTo,
  serializeSip,
  SipParseError,
  SipStreamParser,
  type SipRequest,
} from './message';

// An INVITE as Kamailio relays it (record-routed, compact and folded headers mixed in).
const INVITE = [
  'INVITE sip:+819012345678@127.0.0.1:5190 SIP/2.0',
  'Record-Route: <sip:127.0.0.1:5160;lr>',
  'Via: SIP/2.0/UDP 127.0.0.1:5160;branch=z9hG4bKabc, SIP/2.0/UDP 127.0.0.1:5070;rport=5070;branch=z9hG4bKdef',
  'Max-Forwards: 69',
  'f: "aizuchi" <sip:aizuchi@127.0.0.1>;tag=a1',
  'To: <sip:+819012345678@127.0.0.1>',
  'i: 1234@aizuchi',
  'CSeq: 2 INVITE',
  'Subject: a folded',
  '  header value',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\r\n',
].join('\r\n');

describe('SIP messages', () => {
  it('parses a request with compact, folded and comma-joined headers', () => {
    const msg = parseSipDatagram(Buffer.from(INVITE)) as SipRequest;
    expect(msg.kind).toBe('request');
    expect(msg.method).toBe('INVITE');
    expect(header(msg, 'from')).toBe('"aizuchi" <sip:aizuchi@127.0.0.1>;tag=a1');
    expect(header(msg, 'call-id')).toBe('1234@aizuchi');
    expect(headerValues(msg, 'via')).toHaveLength(2);
    expect(header(msg, 'subject')).toBe('a folded header value');
    expect(msg.body.toString()).toBe('v=0\r');
    expect(parseVia(headerValues(msg, 'via')[1]!)).toMatchObject({ transport: 'UDP', host: '127.0.0.1', port: 5070 });
    expect(parseVia(headerValues(msg, 'via')[1]!).params.get('branch')).toBe('z9hG4bKdef');
    expect(parseCSeq(header(msg, 'cseq'))).toEqual({ seq: 2, method: 'INVITE' });
    expect(parseNameAddr(header(msg, 'from')!)).toMatchObject({ display: 'aizuchi', uri: 'sip:aizuchi@127.0.0.1' });
    expect(parseNameAddr(header(msg, 'from')!).params.get('tag')).toBe('a1');
  });

  it('parses URIs with users, ports, IPv6 and parameters', () => {
    expect(parseUri('sip:+81312345678@pbx.example.com:5060;transport=tcp')).toMatchObject({
      user: '+81312345678',
      host: 'pbx.example.com',
      port: 5060,
    });
    expect(parseUri('sip:pbx.example.com').port).toBeUndefined();
    expect(parseUri('sip:[2001:db8::1]:5070').host).toBe('2001:db8::1');
    expect(() => parseUri('http://example.com')).toThrow(SipParseError);
    expect(() => parseUri('sip:host:99999')).toThrow(SipParseError);
  });

  it('round-trips through serialisation with a correct Content-Length', () => {
    const msg = parseSipDatagram(Buffer.from(INVITE));
    const again = parseSipDatagram(serializeSip(msg));
    expect(again).toEqual(msg);
    expect(serializeSip(msg).toString()).toContain('Content-Length: 4\r\n');
  });

  it('builds a response copying the dialog headers and adding a To tag', () => {
    const res = responseTo(parseSipDatagram(Buffer.from(INVITE)) as SipRequest, 486, 'Busy Here', [], undefined, 'x9');
    expect(res.status).toBe(486);
    expect(headerValues(res, 'via')).toHaveLength(2);
    expect(header(res, 'to')).toBe('<sip:+819012345678@127.0.0.1>;tag=x9');
  });

  it('frames messages out of a TCP stream however the bytes are split', () => {
    const one = serializeSip(parseSipDatagram(Buffer.from(INVITE)));
    const stream = Buffer.concat([Buffer.from('\r\n\r\n'), one, one]);
    const parser = new SipStreamParser();
    const got = [];
    for (let i = 0; i < stream.length; i += 7) got.push(...parser.push(stream.subarray(i, i + 7)));
    expect(got).toHaveLength(2);
    expect(() => new SipStreamParser().push(Buffer.from('OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n'))).toThrow(SipParseError);
  });

  it('refuses messages missing what every SIP message has', () => {
    expect(() => parseSipDatagram(Buffer.from('OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n'))).toThrow(
      SipParseError,
    );
    expect(() => parseSipDatagram(Buffer.from('HELLO\r\n\r\n'))).toThrow(SipParseError);
    expect(() => parseSipDatagram(Buffer.from(INVITE.replace('CSeq: 2 INVITE', 'CSeq: two INVITE')))).toThrow(SipParseError);
    expect(() => parseSipDatagram(Buffer.from(INVITE.replace('Content-Length: 4', 'Content-Length: 400')))).toThrow(SipParseError);
  });
});
