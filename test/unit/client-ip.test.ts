/** The proxy classifier as a pure function: no address here is ever contacted. */
import { describe, expect, it } from 'vitest';
import { isCloudflareAddress, trustFlyAndCloudflare } from '../../src/web/client-ip.js';

describe('isCloudflareAddress', () => {
  it("knows Cloudflare's edge ranges, v4, v4-mapped and v6", () => {
    for (const a of ['104.16.0.1', '172.70.1.2', '162.158.200.3', '::ffff:104.16.0.1', '2606:4700::1', '2a06:98c0:1::2']) {
      expect(isCloudflareAddress(a), a).toBe(true);
    }
  });

  it('refuses everything else, and strings that are not addresses', () => {
    for (const a of ['203.0.113.9', '198.51.100.7', '127.0.0.1', '10.0.0.1', '2001:db8::1', 'fly', '']) {
      expect(isCloudflareAddress(a), a).toBe(false);
    }
  });
});

describe('trustFlyAndCloudflare', () => {
  it("trusts Fly's proxy, then one Cloudflare edge, and nothing beyond", () => {
    expect(trustFlyAndCloudflare('172.16.0.1', 0)).toBe(true);
    expect(trustFlyAndCloudflare('104.16.0.1', 1)).toBe(true);
    expect(trustFlyAndCloudflare('203.0.113.9', 1)).toBe(false);
    expect(trustFlyAndCloudflare('104.16.0.1', 2)).toBe(false);
  });
});
