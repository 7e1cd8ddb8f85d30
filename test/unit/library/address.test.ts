/**
 * The reading library's address classifier, as a pure function: nothing here opens a socket. Every form the issue
 * lists is pinned, with public addresses alongside so a classifier that refuses everything fails too.
 */
import { describe, expect, it } from 'vitest';
import { checkUrl, classifyAddress, classifyHostname, type RefusalReason } from '../../../src/library/address.js';
import { parseIPv4, parseIPv6 } from '../../../src/library/ip-parse.js';

const reasonOf = (text: string) => {
  const v = classifyAddress(text);
  return v.ok ? 'ok' : v.reason;
};

describe('IPv4 ranges', () => {
  it.each<[string, RefusalReason | 'ok']>([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['192.0.0.192', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    // Just outside the ranges: public.
    ['172.32.0.1', 'ok'],
    ['100.128.0.1', 'ok'],
    ['11.0.0.1', 'ok'],
    ['93.184.215.14', 'ok'],
    ['8.8.8.8', 'ok'],
  ])('%s -> %s', (ip, reason) => expect(reasonOf(ip)).toBe(reason));
});

describe('IPv4 written the way inet_aton and browsers read it', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0xa.0.0.1', '10.0.0.1'],
    ['167772161', '10.0.0.1'],
    ['0251.0376.0251.0376', '169.254.169.254'],
    ['0xA9FEA9FE', '169.254.169.254'],
  ])('%s is %s and is refused', (text, dotted) => {
    expect(parseIPv4(text)).toBe(parseIPv4(dotted));
    expect(classifyAddress(text).ok).toBe(false);
  });

  it('rejects what is not an IPv4 address', () => {
    for (const t of ['256.1.1.1', '1.2.3.4.5', '08.1.1.1', '1..2', 'example.com', '4294967296', '1.16777216']) expect(parseIPv4(t)).toBeNull();
  });
});

describe('IPv6', () => {
  it.each<[string, RefusalReason | 'ok']>([
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456:789a::1', 'unique_local'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'private'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['100::1', 'reserved'],
    ['2606:4700:4700::1111', 'ok'],
    ['2a00:1450:4001:80b::200e', 'ok'],
  ])('%s -> %s', (ip, reason) => expect(reasonOf(ip)).toBe(reason));

  it.each<[string, RefusalReason | 'ok']>([
    // IPv4-mapped, dotted and hex tails
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', 'ok'],
    // IPv4-compatible (deprecated, still routed by some stacks)
    ['::127.0.0.1', 'loopback'],
    ['::192.168.0.1', 'private'],
    // NAT64 well-known prefix, and the local-use prefix
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::8.8.8.8', 'ok'],
    ['64:ff9b:1::1', 'private'],
    // 6to4: the IPv4 address sits in groups 2 and 3
    ['2002:7f00:1::', 'loopback'],
    ['2002:a00:1::1', 'private'],
    ['2002:6440:1::', 'cgnat'],
    ['2002:808:808::1', 'ok'],
  ])('embedded IPv4: %s -> %s', (ip, reason) => expect(reasonOf(ip)).toBe(reason));

  it('names the embedding in the message', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toMatchObject({ ok: false, message: expect.stringContaining('IPv4-mapped of 127.0.0.1') });
    expect(classifyAddress('2002:7f00:1::')).toMatchObject({ ok: false, message: expect.stringContaining('6to4 of 127.0.0.1') });
  });

  it('rejects what is not an IPv6 address', () => {
    for (const t of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '::ffff:1.2.3', 'g::1', '1:2:3:4:5:6:7']) expect(parseIPv6(t)).toBeNull();
  });
});

describe('host names', () => {
  it.each<[string, RefusalReason | 'ok']>([
    ['localhost', 'loopback'],
    ['LOCALHOST.', 'loopback'],
    ['metadata.google.internal', 'metadata'],
    ['metadata', 'metadata'],
    ['db.internal', 'internal_name'],
    ['printer.local', 'internal_name'],
    ['app.localhost', 'internal_name'],
    ['router.home.arpa', 'internal_name'],
    ['intranet', 'internal_name'],
    ['arxiv.org', 'ok'],
    ['internal.example.com', 'ok'],
  ])('%s -> %s', (host, reason) => {
    const v = classifyHostname(host);
    expect(v.ok ? 'ok' : v.reason).toBe(reason);
  });
});

describe('checkUrl: every address the issue says /library/add must refuse, as typed', () => {
  it.each<[string, RefusalReason]>([
    ['http://127.0.0.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
    ['file:///etc/passwd', 'bad_scheme'],
    ['gopher://example.com/', 'bad_scheme'],
    ['ftp://example.com/x', 'bad_scheme'],
    ['javascript:alert(1)', 'bad_scheme'],
    ['http://user:pw@example.com/', 'bad_url'],
    ['not a url', 'bad_url'],
    ['http://[fd00::1]:8080/', 'unique_local'],
    ['http://10.1.2.3/', 'private'],
  ])('%s -> %s', (url, reason) => {
    const v = checkUrl(url);
    expect(v.ok ? 'ok' : v.reason).toBe(reason);
    if (!v.ok) expect(v.message.length).toBeGreaterThan(10);
  });

  it('accepts public http and https addresses', () => {
    for (const u of ['https://arxiv.org/abs/1706.03762', 'http://93.184.215.14/', 'https://[2606:4700:4700::1111]/']) {
      expect(checkUrl(u).ok).toBe(true);
    }
  });
});
