import { describe, expect, it } from 'vitest';
import { rateLimitAddress } from './client-address';

describe('rateLimitAddress', () => {
  it('counts every address of one IPv6 /56 (one subscriber delegation) as one client', () => {
    const a = rateLimitAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(a).toBe('2001:db8:1::/56');
    // Another /64 inside the same /56 is the same subscriber.
    expect(rateLimitAddress('2001:db8:1:ff::1')).toBe(a);
    expect(rateLimitAddress('2001:db8:1:2::1')).toBe(a);
    expect(rateLimitAddress('2001:DB8:1:2:0:0:0:ffff')).toBe(a);
  });

  it('keeps neighbouring IPv6 /56s apart', () => {
    expect(rateLimitAddress('2001:db8:1:100::1')).not.toBe(rateLimitAddress('2001:db8:1:2::1'));
  });

  it('counts IPv4-mapped IPv6 as the IPv4 address', () => {
    expect(rateLimitAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(rateLimitAddress('192.0.2.7')).toBe('192.0.2.7');
  });

  it('keeps IPv4 addresses apart and ignores IPv6 zone ids', () => {
    expect(rateLimitAddress('192.0.2.8')).not.toBe(rateLimitAddress('192.0.2.7'));
    expect(rateLimitAddress('fe80::1%eth0')).toBe('fe80::/56');
  });

  it('keeps something that is not an address verbatim', () => {
    expect(rateLimitAddress('not an ip')).toBe('not an ip');
  });
});
