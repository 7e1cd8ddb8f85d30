/**
 * Who the client is, for rate limits and logs. Which header (if any) to believe is configuration
 * (CLIENT_IP_SOURCE, see docs/access.md): a header is only as trustworthy as the proxy that sets it, and a process that
 * can be reached without that proxy would let anyone rotate it to dodge a per-IP limit.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { ClientIpSource } from '../config.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client's address as CLIENT_IP_SOURCE says to find it. */
    clientIp: string;
  }
}

/**
 * Cloudflare's published edge ranges (https://www.cloudflare.com/ips/). CF-Connecting-IP is believed only when the
 * request reached Fly from one of these: anyone else could send the header straight to Fly.
 */
const CLOUDFLARE_RANGES = [
  '173.245.48.0/20', '103.21.244.0/22', '103.22.200.0/22', '103.31.4.0/22', '141.101.64.0/18', '108.162.192.0/18',
  '190.93.240.0/20', '188.114.96.0/20', '197.234.240.0/22', '198.41.128.0/17', '162.158.0.0/15', '104.16.0.0/13',
  '104.24.0.0/14', '172.64.0.0/13', '131.0.72.0/22',
  '2400:cb00::/32', '2606:4700::/32', '2803:f800::/32', '2405:b500::/32', '2405:8100::/32', '2a06:98c0::/29', '2c0f:f248::/32',
];

const cloudflare = new BlockList();
for (const cidr of CLOUDFLARE_RANGES) {
  const [net, bits] = cidr.split('/') as [string, string];
  cloudflare.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
}

/** "::ffff:203.0.113.9" (how a dual-stack socket reports an IPv4 peer) as "203.0.113.9". */
function plain(ip: string): string {
  const v4 = ip.toLowerCase().startsWith('::ffff:') ? ip.slice(7) : '';
  return isIP(v4) === 4 ? v4 : ip;
}

export function isCloudflareAddress(ip: string): boolean {
  const address = plain(ip);
  const family = isIP(address);
  return family !== 0 && cloudflare.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** A header holding exactly one IP address, or undefined (absent, repeated, a list, or not an address). */
function singleAddress(value: string | string[] | undefined): string | undefined {
  const v = typeof value === 'string' ? value.trim() : undefined;
  return v && isIP(v) ? v : undefined;
}

/**
 * The client address, from the socket's peer and the request headers:
 * - none: the peer itself; no header is believed.
 * - fly: Fly-Client-IP, which Fly's proxy sets (overwriting any the client sent).
 * - cloudflare-fly: CF-Connecting-IP when Fly's client (Fly-Client-IP) is a Cloudflare edge, else Fly's client.
 * - hops N: X-Forwarded-For read from the right, skipping N - 1 trusted proxies after the peer.
 * Falls back to the peer whenever the expected header is missing or malformed.
 */
export function clientIpFrom(source: ClientIpSource, peer: string, headers: IncomingHttpHeaders): string {
  if (source.kind === 'none') return peer;
  if (source.kind === 'hops') {
    const forwarded = String(headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const chain = [peer, ...forwarded.reverse()];
    return chain[Math.min(source.hops, chain.length - 1)]!;
  }
  const fly = singleAddress(headers['fly-client-ip']) ?? peer;
  if (source.kind === 'fly' || !isCloudflareAddress(fly)) return fly;
  return singleAddress(headers['cf-connecting-ip']) ?? fly;
}

/**
 * How many proxy hops Fastify may believe for X-Forwarded-Proto / -Host (https detection, the OAuth callback URL).
 * Behind Fly that is Fly's own proxy, the peer; the client address never comes from Fastify's request.ip.
 */
export function trustedProxyHops(source: ClientIpSource): number {
  return source.kind === 'none' ? 0 : source.kind === 'hops' ? source.hops : 1;
}
