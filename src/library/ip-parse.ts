/**
 * Parsing IP address text into numbers, for the address classifier (address.ts). IPv4 is read the way inet_aton and
 * browsers read it -- one to four parts, each decimal, octal (leading 0) or hex (0x) -- because that is how
 * `2130706433` and `0x7f.1` reach 127.0.0.1 in every HTTP client. IPv6 is read into eight 16-bit groups, with `::`,
 * an embedded dotted IPv4 tail and a zone id (`%eth0`) handled.
 */

const PART = /^(?:0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$/i;

function partValue(p: string): number | null {
  if (!PART.test(p)) return null;
  if (/^0x/i.test(p)) return p.length === 2 ? 0 : parseInt(p.slice(2), 16);
  if (p.length > 1 && p.startsWith('0')) return parseInt(p, 8);
  return parseInt(p, 10);
}

/** An IPv4 address in any inet_aton form, as an unsigned 32-bit number; null when it is not one. */
export function parseIPv4(text: string): number | null {
  const parts = text.replace(/\.$/, '').split('.');
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === '')) return null;
  const values = parts.map(partValue);
  if (values.some((v) => v === null || !Number.isFinite(v))) return null;
  const nums = values as number[];
  const last = nums[nums.length - 1]!;
  const leading = nums.slice(0, -1);
  // The last part fills every byte the earlier parts did not: a.b.c.d, a.b.(16 bits), a.(24 bits), (32 bits).
  if (leading.some((v) => v > 255) || last >= 2 ** (8 * (5 - nums.length))) return null;
  return leading.reduce((acc, v, i) => acc + v * 2 ** (8 * (3 - i)), 0) + last;
}

export function ipv4ToString(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Eight 16-bit groups, or null when the text is not an IPv6 address. */
export function parseIPv6(text: string): number[] | null {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  s = s.replace(/%.*$/, '');
  if (!s.includes(':') || !/^[0-9a-f:.]+$/i.test(s)) return null;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // An embedded IPv4 tail is always four decimal parts (RFC 4291 2.2), unlike a bare IPv4 host.
    if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(last)) return null;
    const o = last.split('.').map(Number);
    if (o.some((v) => v > 255)) return null;
    tail = [o[0]! * 256 + o[1]!, o[2]! * 256 + o[3]!];
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some(Number.isNaN)) return null;
  const count = head.length + rest.length + tail.length;
  if (halves.length === 1) return count === 8 ? [...head, ...tail] : null;
  if (count > 7) return null;
  return [...head, ...new Array<number>(8 - count).fill(0), ...rest, ...tail];
}
