/**
 * Security headers and per-IP rate limits, as a browser or a script hammering the app would see them.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { csrfFor, signIn } from '../helpers/auth.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp(db, {
    // Stand-ins for routes other areas add later: the limits and guards must reach them by path alone.
    setup: (a) => {
      a.post('/problems/:id/feedback', async () => ({ ok: true }));
      a.get('/admin/added-later', async () => 'secret operator page');
    },
  });
});
afterAll(() => app?.close());

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((p) => p[0]).map(([name, ...values]) => [name!, values]));
}

describe('security headers', () => {
  it('every page carries a CSP that allows only our own scripts', async () => {
    for (const url of ['/', '/login', '/request-access', '/no/such/page', '/static/css/app.css']) {
      const res = await app.inject(url);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp, url).toBeDefined();
      const d = directives(csp);
      expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(d.get('script-src-attr')).toEqual(["'none'"]);
      expect(d.get('default-src')).toEqual(["'self'"]);
      expect(d.get('object-src')).toEqual(["'none'"]);
      expect(d.get('frame-ancestors')).toEqual(["'none'"]);
      expect(d.get('worker-src')).toEqual(["'self'", 'blob:']);
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
      expect(d.has('upgrade-insecure-requests')).toBe(false); // plain http on loopback
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('no page has an inline script (the CSP would block it)', async () => {
    for (const url of ['/', '/login', '/request-access']) {
      const body = (await app.inject(url)).body;
      for (const tag of body.match(/<script\b[^>]*>/g) ?? []) expect(tag, url).toMatch(/\ssrc="\/[^/]/);
      expect(body).not.toMatch(/\son[a-z]+="/i); // no inline event handlers either
    }
  });

  it('in production: HSTS, upgrade-insecure-requests, and form-action lets the GitHub sign-in form reach Supabase', async () => {
    const prod = await buildTestApp(db, {
      env: { NODE_ENV: 'production', HOST: '0.0.0.0', SUPABASE_URL: 'https://project-ref.supabase.example', SUPABASE_ANON_KEY: 'anon' },
    });
    const res = await prod.inject('/login');
    const d = directives(res.headers['content-security-policy'] as string);
    expect(d.get('form-action')).toEqual(["'self'", 'https://project-ref.supabase.example', 'https://github.com']);
    expect(d.has('upgrade-insecure-requests')).toBe(true);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    await prod.close();
  });
});

describe('rate limits', () => {
  it('limits sign-in attempts per IP, with a readable 429', async () => {
    const { cookie, csrf } = await csrfFor(app);
    const attempt = (ip: string) => app.inject({ method: 'POST', url: '/login/local', remoteAddress: ip, headers: { cookie, 'x-csrf-token': csrf } });
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await attempt('192.0.2.10')).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(303));
    const limited = await attempt('192.0.2.10');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body).toContain('Too many attempts');
    expect((await attempt('192.0.2.11')).statusCode).toBe(303);
  });

  it('limits feedback posts on routes other areas register, matched by path', async () => {
    const s = await signIn(app, db);
    const post = () => app.inject({ method: 'POST', url: '/problems/p1/feedback', remoteAddress: '192.0.2.20', headers: s.headers, payload: {} });
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await post()).statusCode);
    expect(statuses.filter((c) => c === 200)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
  });

  it('behind Fly (the production default) keys on Fly-Client-IP: a rotated X-Forwarded-For does not dodge the limit', async () => {
    const prod = await buildTestApp(db, { env: { NODE_ENV: 'production', HOST: '0.0.0.0' } });
    try {
      const hit = (client: string, i: number) =>
        prod.inject({ url: '/auth/callback', remoteAddress: '172.16.5.2', headers: { 'fly-client-ip': client, 'x-forwarded-for': `198.51.100.${i}` } });
      const statuses = [];
      for (let i = 0; i < 11; i++) statuses.push((await hit('203.0.113.50', i)).statusCode);
      expect(statuses.slice(0, 10)).not.toContain(429);
      expect(statuses[10]).toBe(429);
      expect((await hit('203.0.113.51', 99)).statusCode).not.toBe(429); // another client is not held up
    } finally {
      await prod.close();
    }
  });

  it('with no proxy configured (local), no header changes the key', async () => {
    const hit = (i: number) =>
      app.inject({ url: '/auth/callback', remoteAddress: '192.0.2.30', headers: { 'x-forwarded-for': `198.51.100.${i}`, 'fly-client-ip': `198.51.100.${i}`, 'cf-connecting-ip': `198.51.100.${i}` } });
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await hit(i)).statusCode);
    expect(statuses[10]).toBe(429);
  });

  it('an /admin route added by another area is 404 to non-admins without it doing anything', async () => {
    const member = await signIn(app, db);
    expect((await app.inject({ url: '/admin/added-later', headers: member.headers })).statusCode).toBe(404);
    const admin = await signIn(app, db, { admin: true });
    expect((await app.inject({ url: '/admin/added-later', headers: admin.headers })).body).toBe('secret operator page');
  });
});

describe('CSRF cookie', () => {
  const csrfSetCookie = (res: { headers: Record<string, unknown> }) =>
    ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []).find((c) => /^(__Host-)?bench_csrf=/.test(c));

  it('on plain http (local development): bench_csrf, not Secure, so the browser keeps it', async () => {
    const cookie = csrfSetCookie(await app.inject('/'));
    expect(cookie).toMatch(/^bench_csrf=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('over https: Secure and __Host- prefixed (Path=/, no Domain), and a form post with it still passes', async () => {
    for (const env of [{ NODE_ENV: 'production', HOST: '0.0.0.0' }, { PUBLIC_URL: 'https://bench.example.com' }]) {
      const https = await buildTestApp(db, { env });
      try {
        const page = await https.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } });
        const cookie = csrfSetCookie(page)!;
        expect(cookie, JSON.stringify(env)).toMatch(/^__Host-bench_csrf=/);
        expect(cookie).toMatch(/;\s*Secure/i);
        expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
        expect(cookie).not.toMatch(/Domain=/i);
        const token = /<meta name="csrf-token" content="([^"]+)"/.exec(page.body)![1]!;
        const echo = (csrf: string) => https.inject({ method: 'POST', url: '/logout', headers: { 'x-forwarded-proto': 'https', cookie: cookie.split(';')[0]!, 'x-csrf-token': csrf } });
        expect((await echo(token)).statusCode).toBe(303);
        expect((await echo('forged')).statusCode).toBe(403);
      } finally {
        await https.close();
      }
    }
  });
});
