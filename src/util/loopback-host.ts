import { isIPv4 } from 'node:net';

/**
 * Whether a bind address is reachable from this machine only. Literal addresses and `localhost`
 * only: a name that merely resolves to loopback today may not tomorrow, so it counts as exposed.
 */
export function isLoopbackHost(host: string): boolean {
  const value = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (value === 'localhost' || value === '::1') return true;
  const v4 = value.startsWith('::ffff:') ? value.slice('::ffff:'.length) : value;
  return isIPv4(v4) && v4.startsWith('127.');
}
