/**
 * The library fetcher against a loopback server that counts hits, with a resolver the test controls. Nothing here
 * sends traffic anywhere but 127.0.0.1: private and metadata addresses appear only as resolver answers and redirect
 * targets, which the fetcher must refuse before connecting (the hit counts prove it never tried).
 */
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, safeFetch, type FetchPolicy } from '../../../src/library/fetch.js';
import { listenOnLoopback, type Listening } from '../../fakes/loopback.js';

let listening: Listening;
let port: number;
const hits = new Map<string, number>();
const hitsOn = (path: string) => hits.get(path) ?? 0;

beforeAll(async () => {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, hitsOn(path) + 1);
    const chain = /^\/chain\/(\d+)$/.exec(path);
    if (chain) return res.writeHead(302, { location: `/chain/${Number(chain[1]) + 1}` }).end();
    switch (path) {
      case '/page':
        return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<title>A page</title><p>Hello</p>');
      case '/redirect-private':
        return res.writeHead(302, { location: 'http://10.0.0.1/admin' }).end();
      case '/redirect-metadata':
        return res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      case '/redirect-decimal':
        return res.writeHead(302, { location: 'http://2852039166/' }).end();
      case '/redirect-to-private-name':
        return res.writeHead(302, { location: `http://private.test.example:${port}/page` }).end();
      case '/redirect-self':
        return res.writeHead(302, { location: `http://rebind.test.example:${port}/page` }).end();
      case '/redirect-page':
        return res.writeHead(307, { location: '/page' }).end();
      case '/big': {
        res.writeHead(200, { 'content-type': 'text/html' });
        for (let i = 0; i < 40; i++) res.write('x'.repeat(4096));
        return res.end();
      }
      case '/image':
        return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(100));
      case '/challenge':
        return res.writeHead(403, { 'content-type': 'text/html', 'cf-mitigated': 'challenge' }).end('<p>Just a moment...</p>');
      case '/missing':
        return res.writeHead(404, { 'content-type': 'text/html' }).end('not here');
      case '/hang':
        return; // never answers
      default:
        return res.writeHead(404).end();
    }
  });
  listening = await listenOnLoopback(server);
  port = listening.port;
});
afterAll(() => listening?.close());

let rebindCalls = 0;
beforeEach(() => {
  hits.clear();
  rebindCalls = 0;
});

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
/** The test's DNS: names the test made up, answering loopback, private, both, or first one then the other. */
async function resolve(hostname: string): Promise<LookupAddress[]> {
  switch (hostname) {
    case 'page.test.example':
      return [v4('127.0.0.1')];
    case 'private.test.example':
      return [v4('10.0.0.1')];
    case 'mixed.test.example':
      return [v4('127.0.0.1'), v4('10.0.0.1')];
    case 'mapped.test.example':
      return [{ address: '::ffff:192.168.0.10', family: 6 }];
    case 'rebind.test.example':
      rebindCalls += 1;
      return [v4(rebindCalls === 1 ? '127.0.0.1' : '10.0.0.1')];
    default:
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  }
}

// dial: every address the fetcher would connect to is 127.0.0.1, so even a broken check could not send a packet off
// this machine -- the counting server would see the hit and the test would fail.
const testPolicy: FetchPolicy = { ...DEFAULT_POLICY, resolve, allowLoopbackForTests: true, dial: () => '127.0.0.1' };
const base = () => `http://127.0.0.1:${port}`;

describe('with the test-only loopback allowance', () => {
  it('fetches a page, by address and by a name the resolver knows, following a redirect', async () => {
    const direct = await safeFetch(`${base()}/page`, testPolicy);
    expect(direct).toMatchObject({ ok: true, contentType: 'text/html; charset=utf-8' });
    if (direct.ok) expect(direct.body.toString()).toContain('<title>A page</title>');
    const named = await safeFetch(`http://page.test.example:${port}/redirect-page`, testPolicy);
    expect(named).toMatchObject({ ok: true, finalUrl: `http://page.test.example:${port}/page` });
    expect(hitsOn('/page')).toBe(2);
  });

  it.each([
    ['a name resolving to 10.0.0.1', () => `http://private.test.example:${port}/page`, /private network.*private\.test\.example resolves to 10\.0\.0\.1/],
    ['a name with one loopback and one private address', () => `http://mixed.test.example:${port}/page`, /resolves to 10\.0\.0\.1/],
    ['a name resolving to an IPv4-mapped private address', () => `http://mapped.test.example:${port}/page`, /private network/],
  ])('refuses %s before connecting', async (_label, url, message) => {
    const out = await safeFetch(url(), testPolicy);
    expect(out).toMatchObject({ ok: false, status: 'refused', message: expect.stringMatching(message) });
    expect(hitsOn('/page')).toBe(0);
  });

  it.each([
    ['/redirect-private', /Redirected to a refused address: That address is on a private network/],
    ['/redirect-metadata', /cloud metadata/],
    ['/redirect-decimal', /cloud metadata/],
    ['/redirect-to-private-name', /private\.test\.example resolves to 10\.0\.0\.1/],
  ])('refuses a redirect hop %s, having fetched only the first hop', async (path, message) => {
    const out = await safeFetch(`${base()}${path}`, testPolicy);
    expect(out).toMatchObject({ ok: false, status: 'refused', message: expect.stringMatching(message) });
    expect(hitsOn(path)).toBe(1);
    expect(hitsOn('/page')).toBe(0);
  });

  it('catches DNS rebinding: the name resolved to loopback for the first hop and to 10.0.0.1 at the next connect', async () => {
    const out = await safeFetch(`http://rebind.test.example:${port}/redirect-self`, testPolicy);
    expect(out).toMatchObject({ ok: false, status: 'refused', message: expect.stringMatching(/rebind\.test\.example resolves to 10\.0\.0\.1/) });
    expect(rebindCalls).toBe(2);
    expect(hitsOn('/redirect-self')).toBe(1);
    expect(hitsOn('/page')).toBe(0);
  });

  it('follows at most 3 redirects', async () => {
    const out = await safeFetch(`${base()}/chain/0`, testPolicy);
    expect(out).toMatchObject({ ok: false, status: 'refused', message: 'More than 3 redirects.' });
    expect([0, 1, 2, 3].map((n) => hitsOn(`/chain/${n}`))).toEqual([1, 1, 1, 1]);
    expect(hitsOn('/chain/4')).toBe(0);
  });

  it('reports too_large, not_html, blocked_by_challenge, an HTTP error and a timeout with plain messages', async () => {
    expect(await safeFetch(`${base()}/big`, { ...testPolicy, maxBytes: 64 * 1024 })).toMatchObject({ ok: false, status: 'too_large' });
    expect(await safeFetch(`${base()}/image`, testPolicy)).toMatchObject({ ok: false, status: 'not_html', message: expect.stringContaining('image/png') });
    expect(await safeFetch(`${base()}/challenge`, testPolicy)).toMatchObject({ ok: false, status: 'blocked_by_challenge' });
    expect(await safeFetch(`${base()}/missing`, testPolicy)).toMatchObject({ ok: false, status: 'failed', message: 'The site answered 404.' });
    expect(await safeFetch(`http://nowhere.test.example:${port}/`, testPolicy)).toMatchObject({ ok: false, status: 'failed', message: expect.stringContaining('ENOTFOUND') });
    // A short budget so the test does not sit out the real 5 s; it waits for the outcome, not for a clock.
    expect(await safeFetch(`${base()}/hang`, { ...testPolicy, timeoutMs: 200 })).toMatchObject({ ok: false, status: 'timeout' });
    expect(hitsOn('/hang')).toBe(1);
  });
});

describe('with the default policy (what the app uses)', () => {
  it('refuses loopback by address and by name, and never connects', async () => {
    for (const url of [`${base()}/page`, `http://[::1]:${port}/page`, `http://2130706433:${port}/page`, `http://0x7f.1:${port}/page`, `http://localhost:${port}/page`]) {
      expect(await safeFetch(url), url).toMatchObject({ ok: false, status: 'refused' });
    }
    const named = await safeFetch(`http://page.test.example:${port}/page`, { ...DEFAULT_POLICY, resolve, dial: () => '127.0.0.1' });
    expect(named).toMatchObject({ ok: false, status: 'refused', message: expect.stringContaining('page.test.example resolves to 127.0.0.1') });
    expect(hitsOn('/page')).toBe(0);
  });

  it('refuses file:, gopher: and metadata names without resolving anything', async () => {
    const lookups: string[] = [];
    const spyResolve = async (h: string) => {
      lookups.push(h);
      return resolve(h);
    };
    for (const url of ['file:///etc/passwd', 'gopher://example.com/', 'http://metadata.google.internal/computeMetadata/v1/']) {
      expect(await safeFetch(url, { ...DEFAULT_POLICY, resolve: spyResolve, dial: () => '127.0.0.1' }), url).toMatchObject({ ok: false, status: 'refused' });
    }
    expect(lookups).toEqual([]);
  });
});
