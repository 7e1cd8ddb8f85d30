/**
 * Which proxies may speak for the client. Behind Fly alone, the socket's peer is Fly's proxy and the last
 * X-Forwarded-For entry (the address that reached Fly, also sent as Fly-Client-IP) is the client. With Cloudflare
 * in front (docs/deploy.md), that address is a Cloudflare edge, which appended the visitor's address just before
 * it: trust that one more hop, and only when it really is Cloudflare's. A request that goes straight to
 * your-fly-app.fly.dev with a forged header stops at its own address, because that is not in Cloudflare's ranges.
 */
import { BlockList, isIPv6 } from 'node:net';

/** Cloudflare's published edge ranges (https://www.cloudflare.com/ips/). */
const CLOUDFLARE_V4 = [
  '173.245.48.0/20', '103.21.244.0/22', '103.22.200.0/22', '103.31.4.0/22', '141.101.64.0/18', '108.162.192.0/18',
  '190.93.240.0/20', '188.114.96.0/20', '197.234.240.0/22', '198.41.128.0/17', '162.158.0.0/15', '104.16.0.0/13',
  '104.24.0.0/14', '172.64.0.0/13', '131.0.72.0/22',
];
const CLOUDFLARE_V6 = ['2400:cb00::/32', '2606:4700::/32', '2803:f800::/32', '2405:b500::/32', '2405:8100::/32', '2a06:98c0::/29', '2c0f:f248::/32'];

const cloudflare = new BlockList();
for (const cidr of CLOUDFLARE_V4) cloudflare.addSubnet(cidr.split('/')[0]!, Number(cidr.split('/')[1]), 'ipv4');
for (const cidr of CLOUDFLARE_V6) cloudflare.addSubnet(cidr.split('/')[0]!, Number(cidr.split('/')[1]), 'ipv6');

export function isCloudflareAddress(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  try {
    return cloudflare.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
  } catch {
    return false; // not an IP address at all
  }
}

/**
 * Fastify's trustProxy test, walked from the socket outwards: hop 0 is Fly's proxy (always trusted in production),
 * hop 1 is whoever reached Fly, trusted only if it is a Cloudflare edge. Nothing further out is trusted.
 */
export function trustFlyAndCloudflare(address: string, hop: number): boolean {
  return hop === 0 || (hop === 1 && isCloudflareAddress(address));
}
