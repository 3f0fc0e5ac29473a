import { describe, expect, it } from 'vitest';
import { authorize, chooseChallenge, digestResponse, parseChallenge } from './digest';

// Vectors: RFC 2617 §3.5 and RFC 7616 §3.9.1, recomputed in TELEPHONY.md §4.2.
describe('SIP digest', () => {
  it('matches the RFC 2617 example (MD5, qop=auth)', () => {
    expect(
      digestResponse({
        algorithm: 'MD5',
        username: 'Mufasa',
        password: 'Circle Of Life',
        realm: 'testrealm@host.com',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });

  const rfc7616 = {
    username: 'Mufasa',
    password: 'Circle of Life',
    realm: 'http-auth@example.org',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    qop: 'auth' as const,
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };

  it('matches the RFC 7616 examples for MD5 and SHA-256', () => {
    expect(digestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(digestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('computes the RFC 2069 form without qop as H(HA1:nonce:HA2)', () => {
    const plain = digestResponse({ ...rfc7616, algorithm: 'MD5', qop: undefined });
    expect(plain).toMatch(/^[0-9a-f]{32}$/);
    expect(plain).not.toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('picks the first challenge with an algorithm it implements (RFC 8760 §2.4)', () => {
    const chosen = chooseChallenge([
      'Digest realm="r", nonce="n1", algorithm=SHA-256-sess, qop="auth"',
      'Digest realm="r", nonce="n2", algorithm=SHA-256, qop="auth,auth-int", opaque="o"',
      'Digest realm="r", nonce="n3", algorithm=MD5',
    ]);
    expect(chosen).toMatchObject({ nonce: 'n2', algorithm: 'SHA-256', qop: ['auth', 'auth-int'], opaque: 'o' });
    expect(parseChallenge('Basic realm="x"')).toBeNull();
    expect(parseChallenge('Digest nonce="only"')).toBeNull();
  });

  it('answers a challenge with a header the server can verify', () => {
    const challenge = parseChallenge('Digest realm="kamailio", nonce="abc", qop="auth", algorithm=SHA-256')!;
    const value = authorize(challenge, { username: 'aizuchi', password: 'secret' }, 'INVITE', 'sip:+81312345678@pbx', 2, 'cn');
    const expected = digestResponse({
      algorithm: 'SHA-256',
      username: 'aizuchi',
      password: 'secret',
      realm: 'kamailio',
      method: 'INVITE',
      uri: 'sip:+81312345678@pbx',
      nonce: 'abc',
      qop: 'auth',
      nc: '00000002',
      cnonce: 'cn',
    });
    expect(value).toContain(`response="${expected}"`);
    expect(value).toContain('nc=00000002');
    expect(value).toContain('algorithm=SHA-256');
    expect(value).not.toContain('secret');
  });
});
