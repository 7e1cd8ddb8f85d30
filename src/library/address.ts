/**
 * Which addresses the reading library may fetch from: a pure classifier, no I/O. The fetcher asks it twice -- once for
 * the URL as typed (scheme, name, literal address) and again for every address a name resolves to, at connect time,
 * so DNS rebinding and redirects cannot slip past a check done earlier. Anything not plainly a public unicast
 * address is refused: loopback, private, link-local, CGNAT, unique-local, multicast, unspecified, reserved ranges,
 * cloud metadata addresses, and IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged
 * by the address they embed.
 * Ranges: IANA's IPv4 and IPv6 special-purpose registries (RFC 6890 and its updates).
 */
import { ipv4ToString, parseIPv4, parseIPv6 } from './ip-parse.js';

export type RefusalReason =
  | 'bad_url'
  | 'bad_scheme'
  | 'internal_name'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'unique_local'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'metadata';

export type Refusal = { ok: false; reason: RefusalReason; message: string };
export type Verdict = { ok: true } | Refusal;

const MESSAGES: Record<RefusalReason, string> = {
  bad_url: 'That is not a web address.',
  bad_scheme: 'Only http:// and https:// addresses can be added.',
  internal_name: 'That name only means something inside a private network.',
  loopback: 'That address is this machine (loopback).',
  private: 'That address is on a private network.',
  link_local: 'That address is link-local (only reachable on the local network segment).',
  cgnat: 'That address is in the carrier-grade NAT range (shared, not public).',
  unique_local: 'That address is an IPv6 unique-local (private) address.',
  multicast: 'That address is a multicast address.',
  unspecified: 'That address is the unspecified address (0.0.0.0 or ::).',
  reserved: 'That address is in a reserved range, not a public one.',
  metadata: 'That address is a cloud metadata service.',
};

export function refuse(reason: RefusalReason, detail?: string): Refusal {
  return { ok: false, reason, message: detail ? `${MESSAGES[reason]} (${detail})` : MESSAGES[reason] };
}
const OK: Verdict = { ok: true };

/** [first address, prefix length, reason], checked in order: the first match wins, so specific before general. */
const V4_RANGES: [string, number, RefusalReason][] = [
  ['169.254.169.254', 32, 'metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean
  ['169.254.170.2', 32, 'metadata'], // AWS ECS task metadata
  ['100.100.100.200', 32, 'metadata'], // Alibaba Cloud
  ['192.0.0.192', 32, 'metadata'], // Oracle Cloud
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255
];

const V4_PARSED = V4_RANGES.map(([base, bits, reason]) => ({ base: parseIPv4(base)!, size: 2 ** (32 - bits), reason }));

export function classifyIPv4(n: number): Verdict {
  for (const r of V4_PARSED) if (n >= r.base && n < r.base + r.size) return refuse(r.reason, ipv4ToString(n));
  return OK;
}

const v4Of = (hi: number, lo: number) => hi * 65536 + lo;

/** Judges an IPv6 address (eight groups); forms that embed an IPv4 address are judged by it. */
export function classifyIPv6(g: number[]): Verdict {
  const text = g.map((x) => x.toString(16)).join(':');
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return refuse('unspecified', '::');
  if (zeros(0, 7) && g[7] === 1) return refuse('loopback', '::1');
  const embedded = (label: string, n: number): Verdict => {
    const inner = classifyIPv4(n);
    return inner.ok ? OK : refuse(inner.reason, `${label} of ${ipv4ToString(n)}`);
  };
  if (zeros(0, 5) && g[5] === 0xffff) return embedded('IPv4-mapped', v4Of(g[6]!, g[7]!));
  if (zeros(0, 6)) return embedded('IPv4-compatible', v4Of(g[6]!, g[7]!));
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded('NAT64', v4Of(g[6]!, g[7]!));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return refuse('private', `local-use NAT64 ${text}`);
  if (g[0] === 0x2002) return embedded('6to4', v4Of(g[1]!, g[2]!));
  // Teredo hides its client address behind XOR and a relay; there is no safe reading of it, so none is allowed.
  if (g[0] === 0x2001 && g[1] === 0) return refuse('reserved', `Teredo ${text}`);
  if (g[0] === 0x2001 && g[1] === 0xdb8) return refuse('reserved', `documentation ${text}`);
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && zeros(2, 7) && g[7] === 0x254) return refuse('metadata', text); // AWS IMDS
  if ((g[0]! & 0xfe00) === 0xfc00) return refuse('unique_local', text);
  if ((g[0]! & 0xffc0) === 0xfe80) return refuse('link_local', text);
  if ((g[0]! & 0xffc0) === 0xfec0) return refuse('private', `site-local ${text}`);
  if ((g[0]! & 0xff00) === 0xff00) return refuse('multicast', text);
  // Only global unicast (2000::/3) is public; everything else is unassigned or special.
  if ((g[0]! & 0xe000) !== 0x2000) return refuse('reserved', text);
  return OK;
}

/** Judges an address as text: any IPv4 form (dotted, decimal, hex, octal) or IPv6 (bracketed or not). */
export function classifyAddress(text: string): Verdict {
  const v6 = parseIPv6(text);
  if (v6) return classifyIPv6(v6);
  const v4 = parseIPv4(text);
  if (v4 !== null) return classifyIPv4(v4);
  return refuse('bad_url', `${text} is not an IP address`);
}

const INTERNAL_SUFFIXES = ['.internal', '.local', '.localhost', '.localdomain', '.home.arpa', '.intranet', '.lan'];

/**
 * Judges a host name before it is resolved. Names that only mean something inside a network are refused outright;
 * everything else still has each resolved address checked at connect time.
 */
export function classifyHostname(host: string): Verdict {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost') return refuse('loopback', name);
  if (name === 'metadata' || name === 'metadata.google.internal') return refuse('metadata', name);
  if (INTERNAL_SUFFIXES.some((s) => name.endsWith(s))) return refuse('internal_name', name);
  // A single-label name is completed by the resolver's search domains: an intranet host, never a public site.
  if (!name.includes('.')) return refuse('internal_name', name);
  return OK;
}

/**
 * Judges a URL as typed: http(s) only, no user:password part, and the host by name or literal address. The WHATWG
 * parser has already turned `2130706433` and `0x7f.1` into `127.0.0.1`; classifyAddress reads those forms as well,
 * for hosts that arrive by another road (a resolver's answer, a redirect's Location).
 */
export function checkUrl(raw: string): { ok: true; url: URL } | Refusal {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return refuse('bad_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse('bad_scheme', `${url.protocol.replace(/:$/, '')}:// is not allowed`);
  }
  if (url.username || url.password) return refuse('bad_url', 'addresses with a user name or password are not accepted');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = parseIPv6(host) !== null || parseIPv4(host) !== null;
  const verdict = literal ? classifyAddress(host) : classifyHostname(host);
  return verdict.ok ? { ok: true, url } : verdict;
}
