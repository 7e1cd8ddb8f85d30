import type { FastifyInstance } from 'fastify';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_COOKIE } from '../../../src/auth/cookies.js';
import { signLocalToken } from '../../../src/auth/tokens.js';
import { buildTestApp } from '../../helpers/app.js';
import { csrfFor, signIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp(db, {
    setup: (a) => {
      a.get('/whoami', async (req) => ({ user: req.user }));
      a.post('/echo', async () => ({ ok: true }));
    },
  });
});
afterAll(() => app.close());

function cookiesOf(res: { headers: Record<string, unknown> }): string {
  return ([] as string[]).concat((res.headers['set-cookie'] as string[] | string) ?? []).map((c) => c.split(';')[0]).join('; ');
}

describe('local sign-in', () => {
  it('the login page offers local sign-in on loopback without Supabase', async () => {
    const res = await app.inject('/login');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Sign in locally');
  });

  it('signs in as the local operator (an admin) through the real form post', async () => {
    const { cookie, csrf } = await csrfFor(app);
    const res = await app.inject({
      method: 'POST',
      url: '/login/local',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf)}&next=%2Fwhoami`,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/whoami');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/bench_access=.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const me = await app.inject({ url: '/whoami', headers: { cookie: cookiesOf(res) } });
    expect(me.json().user).toMatchObject({ isAdmin: true, displayName: 'Local operator' });
    const { rows } = await db.pool.query('SELECT display_name FROM users WHERE id = $1', [me.json().user.id]);
    expect(rows[0].display_name).toBe('Local operator');
  });

  it('never redirects off-site after sign-in', async () => {
    const { cookie, csrf } = await csrfFor(app);
    const res = await app.inject({ method: 'POST', url: '/login/local', headers: { cookie, 'x-csrf-token': csrf }, payload: { next: '//evil.example.com' } });
    expect(res.headers.location).toBe('/');
  });

  it('is not offered when Supabase is configured or the server is not on loopback', async () => {
    for (const env of [{ SUPABASE_URL: 'https://x.supabase.co', SUPABASE_ANON_KEY: 'k' }, { HOST: '0.0.0.0' }]) {
      const other = await buildTestApp(db, { env });
      expect((await other.inject('/login')).body).not.toContain('Sign in locally');
      const { cookie, csrf } = await csrfFor(other);
      expect((await other.inject({ method: 'POST', url: '/login/local', headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(404);
      await other.close();
    }
  });

  it('rejects forged tokens: unsigned, wrong issuer, expired, other key', async () => {
    const key = app.deps.secrets.localKey;
    const good = await signLocalToken(key, { sub: '11111111-1111-4111-8111-111111111111', email: 'a@example.com', name: 'A' });
    const none = new UnsecuredJWT({ email: 'a@example.com' }).setSubject('x').setIssuer('bench-local').setAudience('authenticated').setExpirationTime('1h').encode();
    const wrongIssuer = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setSubject('x').setIssuer('someone-else').setAudience('authenticated').setExpirationTime('1h').sign(key.privateKey);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setSubject('x').setIssuer('bench-local').setAudience('authenticated').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key.privateKey);
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('bench-local').setAudience('authenticated').setExpirationTime('1h').sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
    const who = async (t: string) => (await app.inject({ url: '/whoami', headers: { cookie: `${ACCESS_COOKIE}=${t}` } })).json().user;
    expect(await who(good)).toMatchObject({ email: 'a@example.com' });
    for (const forged of [none, wrongIssuer, expired, hs, `${good.slice(0, -4)}AAAA`]) expect(await who(forged)).toBeNull();
  });

  it('sign-out clears the session cookie', async () => {
    const s = await signIn(app, db);
    const res = await app.inject({ method: 'POST', url: '/logout', headers: s.headers });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers['set-cookie'])).toMatch(/bench_access=;/);
  });
});

describe('CSRF', () => {
  it('refuses a POST without a token, and accepts one with it', async () => {
    const s = await signIn(app, db);
    const without = await app.inject({ method: 'POST', url: '/echo', headers: { cookie: s.cookie } });
    expect(without.statusCode).toBe(403);
    expect(without.body, without.body).toContain('Reload the page');
    const wrong = await app.inject({ method: 'POST', url: '/echo', headers: { cookie: s.cookie, 'x-csrf-token': 'nope' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url: '/echo', headers: s.headers });
    expect(ok.statusCode).toBe(200);
  });
});
