/**
 * An address safe for logs: first letter of the local part and the domain's last label,
 * `t***@e***.com`. Enough to tell messages apart while debugging, not enough to identify anyone.
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return '***';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${Array.from(local)[0] ?? ''}***@${Array.from(domain)[0] ?? ''}***${tld}`;
}
