import { describe, expect, it } from 'vitest';
import { buildOffer, negotiateAnswer, parseSdp, SdpError } from './sdp';

describe('SDP offer/answer', () => {
  it('offers PCMU, PCMA and telephone-event at 20 ms, sendrecv', () => {
    const offer = buildOffer({ address: '192.0.2.10', port: 20000, sessionId: '42', version: 1 });
    expect(offer).toContain('m=audio 20000 RTP/AVP 0 8 101\r\n');
    expect(offer).toContain('c=IN IP4 192.0.2.10\r\n');
    expect(offer).toContain('a=rtpmap:101 telephone-event/8000\r\n');
    expect(offer).toContain('a=ptime:20\r\n');
    const parsed = parseSdp(offer);
    expect(parsed.media[0]).toMatchObject({ type: 'audio', port: 20000, formats: [0, 8, 101], direction: 'sendrecv' });
  });

  it("reads baresip's answer: its codec order, its telephone-event type, media-level address", () => {
    const answer = [
      'v=0',
      'o=- 1 2 IN IP4 192.0.2.2',
      's=-',
      'c=IN IP4 192.0.2.2',
      't=0 0',
      'm=audio 30002 RTP/AVP 8 0 96',
      'c=IN IP4 127.0.0.1',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:96 telephone-event/8000',
      'a=fmtp:96 0-15',
      'a=sendrecv',
    ].join('\r\n');
    expect(negotiateAnswer(parseSdp(answer))).toEqual({
      remoteAddress: '127.0.0.1',
      remotePort: 30002,
      payloadType: 8,
      law: 'alaw',
      telephoneEventPt: 96,
      direction: 'sendrecv',
    });
  });

  it('has no telephone-event when the answer dropped it, so keys come in band', () => {
    const answer = 'v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n';
    expect(negotiateAnswer(parseSdp(answer))).toMatchObject({ law: 'mulaw', payloadType: 0, telephoneEventPt: null });
  });

  it('refuses an answer that rejected audio, picked no G.711, or has no address', () => {
    expect(() => negotiateAnswer(parseSdp('v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 0 RTP/AVP 0\r\n'))).toThrow(SdpError);
    expect(() => negotiateAnswer(parseSdp('v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n'))).toThrow(
      SdpError,
    );
    expect(() => negotiateAnswer(parseSdp('v=0\r\nm=audio 4000 RTP/AVP 0\r\n'))).toThrow(SdpError);
    expect(() => parseSdp('v=0\r\nm=audio banana\r\n')).toThrow(SdpError);
  });
});
