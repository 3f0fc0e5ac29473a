import ipaddr from 'ipaddr.js';

/**
 * One IPv6 subscriber is usually delegated a whole /56 (RIPE-690 recommends /56 for homes; many
 * providers hand one out), so per-address limits count the /56: the attacker's side of a limit must
 * not be escapable by hopping between the subscriber's own /64s.
 */
const IPV6_LIMIT_PREFIX_BITS = 56;

/**
 * The part of a client address that rate limits count. An IPv6 client can pick any of 2^72
 * addresses in its own /56, so limiting single IPv6 addresses would limit nothing; IPv4-mapped
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
