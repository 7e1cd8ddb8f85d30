/**
 * The client address behind each proxy setup, as a pure function of the peer address and the headers (no traffic is
 * sent anywhere: the addresses are only classified).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type ClientIpSource } from '../../src/config.js';
import { clientIpFrom, isCloudflareAddress, trustedProxyHops } from '../../src/web/client-ip.js';

const FLY_PROXY = '172.16.5.2';
const CF_EDGE = '162.158.20.1';
const CLIENT = '203.0.113.9';
const SPOOF = '198.51.100.77';

const none: ClientIpSource = { kind: 'none' };
const fly: ClientIpSource = { kind: 'fly' };
const cloudflareFly: ClientIpSource = { kind: 'cloudflare-fly' };

describe('clientIpFrom', () => {
  it('none: the peer, whatever the headers say', () => {
    const headers = { 'x-forwarded-for': SPOOF, 'fly-client-ip': SPOOF, 'cf-connecting-ip': SPOOF };
    expect(clientIpFrom(none, CLIENT, headers)).toBe(CLIENT);
  });

  it('fly: Fly-Client-IP; a rotated X-Forwarded-For or CF-Connecting-IP changes nothing', () => {
    for (const spoof of ['1.1.1.1', '2.2.2.2', `${SPOOF}, ${CLIENT}`]) {
      expect(clientIpFrom(fly, FLY_PROXY, { 'fly-client-ip': CLIENT, 'x-forwarded-for': spoof, 'cf-connecting-ip': spoof })).toBe(CLIENT);
    }
  });

  it('fly: without a usable Fly-Client-IP, the peer', () => {
    expect(clientIpFrom(fly, FLY_PROXY, {})).toBe(FLY_PROXY);
    expect(clientIpFrom(fly, FLY_PROXY, { 'fly-client-ip': 'not-an-ip' })).toBe(FLY_PROXY);
    expect(clientIpFrom(fly, FLY_PROXY, { 'fly-client-ip': `${CLIENT}, ${SPOOF}` })).toBe(FLY_PROXY);
    expect(clientIpFrom(fly, FLY_PROXY, { 'fly-client-ip': [CLIENT, SPOOF] })).toBe(FLY_PROXY);
  });

  it('cloudflare-fly: CF-Connecting-IP only when Fly saw a Cloudflare edge', () => {
    expect(clientIpFrom(cloudflareFly, FLY_PROXY, { 'fly-client-ip': CF_EDGE, 'cf-connecting-ip': CLIENT })).toBe(CLIENT);
    expect(clientIpFrom(cloudflareFly, FLY_PROXY, { 'fly-client-ip': '2606:4700:10::6816:1', 'cf-connecting-ip': '2001:db8::5' })).toBe('2001:db8::5');
    // Someone going to Fly directly cannot choose their key by sending CF-Connecting-IP.
    expect(clientIpFrom(cloudflareFly, FLY_PROXY, { 'fly-client-ip': SPOOF, 'cf-connecting-ip': CLIENT })).toBe(SPOOF);
    // Through Cloudflare but without a readable header: the edge, never a guess.
    expect(clientIpFrom(cloudflareFly, FLY_PROXY, { 'fly-client-ip': CF_EDGE, 'cf-connecting-ip': 'x' })).toBe(CF_EDGE);
  });

  it('N hops: X-Forwarded-For from the right, skipping N - 1 proxies', () => {
    const headers = { 'x-forwarded-for': `${SPOOF}, ${CLIENT}, 10.0.0.1` };
    expect(clientIpFrom({ kind: 'hops', hops: 1 }, FLY_PROXY, headers)).toBe('10.0.0.1');
    expect(clientIpFrom({ kind: 'hops', hops: 2 }, FLY_PROXY, headers)).toBe(CLIENT);
    // More hops than the header has: the leftmost entry, as proxy-addr does.
    expect(clientIpFrom({ kind: 'hops', hops: 9 }, FLY_PROXY, headers)).toBe(SPOOF);
    expect(clientIpFrom({ kind: 'hops', hops: 1 }, FLY_PROXY, {})).toBe(FLY_PROXY);
  });
});

describe('isCloudflareAddress', () => {
  it.each([
    ['162.158.20.1', true],
    ['104.16.0.1', true],
    ['::ffff:172.64.1.1', true],
    ['2a06:98c0::1', true],
    ['::ffff:104.16.0.1', true],
    ['2606:4700::1', true],
    ['203.0.113.9', false],
    ['172.16.5.2', false],
    ['2001:db8::1', false],
    ['10.0.0.1', false],
    ['127.0.0.1', false],
    ['nonsense', false],
    ['', false],
  ])('%s -> %s', (ip, expected) => {
    expect(isCloudflareAddress(ip)).toBe(expected);
  });
});

describe('CLIENT_IP_SOURCE', () => {
  it('defaults to Fly in production (what fly.toml deploys) and to no header elsewhere', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).clientIpSource).toEqual(fly);
    expect(loadConfig({}).clientIpSource).toEqual(none);
    expect(trustedProxyHops(none)).toBe(0);
    expect(trustedProxyHops(fly)).toBe(1);
  });

  it('takes none, fly, cloudflare-fly or a number of hops', () => {
    expect(loadConfig({ NODE_ENV: 'production', CLIENT_IP_SOURCE: 'none' }).clientIpSource).toEqual(none);
    expect(loadConfig({ CLIENT_IP_SOURCE: 'cloudflare-fly' }).clientIpSource).toEqual(cloudflareFly);
    expect(loadConfig({ CLIENT_IP_SOURCE: '2' }).clientIpSource).toEqual({ kind: 'hops', hops: 2 });
    expect(trustedProxyHops({ kind: 'hops', hops: 2 })).toBe(2);
  });

  it('names the variable when the value is not one of them', () => {
    for (const bad of ['cloudflare', '0', 'yes']) {
      expect(() => loadConfig({ CLIENT_IP_SOURCE: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ CLIENT_IP_SOURCE: bad })).toThrow(/CLIENT_IP_SOURCE: must be none, fly, cloudflare-fly/);
    }
  });
});
