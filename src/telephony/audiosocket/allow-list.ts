import ipaddr from 'ipaddr.js';
import { AizuchiError } from '../../domain/errors';

export class AllowListError extends AizuchiError {
  constructor(entry: string) {
    super(`not an IP address or CIDR range: ${entry}`, { code: 'audiosocket_allow_list', retryable: false });
  }
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, what a dual-stack socket reports) as the IPv4 address. */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = address.trim().replace(/%.*$/u, '');
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : null;
}

/**
 * The peers allowed to open AudioSocket connections (AIZUCHI_AUDIOSOCKET_ALLOW): IPv4/IPv6
 * addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`). Throws AllowListError at construction for
 * an entry that is neither, so a typo fails at boot rather than letting nobody (or everybody) in.
 */
export function createAllowList(entries: readonly string[]): (address: string | undefined) => boolean {
  const ranges: Range[] = entries.map((raw) => {
    const entry = raw.trim();
    if (entry.includes('/')) {
      try {
        const [net, bits] = ipaddr.parseCIDR(entry);
        const v4 = net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress();
        return v4 ? [(net as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)] : [net, bits];
      } catch {
        throw new AllowListError(entry);
      }
    }
    const one = parse(entry);
    if (!one) throw new AllowListError(entry);
    return [one, one.kind() === 'ipv4' ? 32 : 128];
  });
  return (address) => {
    const peer = address === undefined ? null : parse(address);
    if (!peer) return false;
    return ranges.some(([net, bits]) => net.kind() === peer.kind() && peer.match(net as never, bits));
  };
}
