import ipaddr from 'ipaddr.js';

/** One IPv6 subscriber usually holds a whole /64, so per-address limits count the /64 (as most providers assign). */
const IPV6_LIMIT_PREFIX_BITS = 64;

/**
 * The part of a client address that rate limits count. An IPv6 client can pick any of 2^64
 * addresses in its own /64, so limiting single IPv6 addresses would limit nothing; IPv4-mapped
 * IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports) counts as the IPv4 address, and every
 * spelling of one address (`2001:DB8::1`, `2001:db8:0:0::1`) counts once. Something that is not an
 * address at all is kept verbatim, so it still gets its own bucket.
 */
export function rateLimitAddress(address: string): string {
  const bare = address.trim().replace(/%.*$/, ''); // drop an IPv6 zone id (`fe80::1%eth0`)
  if (!ipaddr.isValid(bare)) return address;
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toNormalizedString()}/${IPV6_LIMIT_PREFIX_BITS}`);
  return `${network.toString()}/${IPV6_LIMIT_PREFIX_BITS}`;
}
