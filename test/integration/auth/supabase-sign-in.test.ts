/**
 * Sign-in with GitHub through Supabase Auth: the real supabase-js (inside the app) against a fake Supabase on
 * 127.0.0.1. PKCE round trip, transparent refresh, sign-out revoking the session.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireUser } from '../../../src/auth/current-user.js';
import { buildTestApp } from '../../helpers/app.js';
import { CookieJar } from '../../helpers/cookie-jar.js';
import { pageCsrf, signInWithGitHub as githubSignIn } from '../../helpers/github-sign-in.js';
import { useTestDatabase } from '../../helpers/db.js';
import { startFakeSupabaseAuth, type FakeSupabaseAuth, type FakeUser } from '../../fakes/supabase-auth.js';

const db = useTestDatabase();
let supabase: FakeSupabaseAuth;
let app: FastifyInstance;

const whoami = (a: FastifyInstance) => a.get('/whoami', async (req) => ({ user: req.user, notAllowed: req.signedInNotAllowed }));

beforeAll(async () => {
  supabase = await startFakeSupabaseAuth();
  app = await buildTestApp(db, { env: { SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey }, setup: whoami });
});
afterAll(async () => {
  await app?.close();
  await supabase?.close();
});

const signInWithGitHub = (target: FastifyInstance, user: FakeUser, next = '/whoami') => githubSignIn(target, supabase, user, next);

const who = async (cookie: string) => {
  const res = await app.inject({ url: '/whoami', headers: { cookie } });
  return { res, body: res.json() as { user: { id: string; email: string; displayName: string } | null; notAllowed: unknown } };
};

describe('Sign in with GitHub (PKCE through supabase-js)', () => {
  const alice: FakeUser = { id: 'a1a1a1a1-0000-4000-8000-000000000001', email: 'alice@example.com', userName: 'alice', fullName: 'Alice A' };

  it('offers only GitHub when Supabase is configured', async () => {
    const res = await app.inject('/login');
    expect(res.body).toContain('Sign in with GitHub');
    expect(res.body).not.toContain('Sign in locally');
  });

  it('completes the round trip: PKCE challenge, verifier cookie, code exchange, session cookies, user recorded', async () => {
    const flow = await signInWithGitHub(app, alice);
    // supabase-js built the authorize URL with an S256 challenge and our callback.
    expect(flow.authorize.origin).toBe(supabase.url);
    expect(flow.authorize.pathname).toBe('/auth/v1/authorize');
    expect(flow.authorize.searchParams.get('provider')).toBe('github');
    expect(flow.authorize.searchParams.get('code_challenge_method')).toBe('s256');
    expect(flow.authorize.searchParams.get('redirect_to')).toBe('http://localhost:80/auth/callback');
    // The verifier lives in a short-lived httpOnly cookie, never in the URL.
    const pkce = flow.startCookies.find((c) => c.startsWith('bench_pkce='))!;
    expect(pkce).toMatch(/HttpOnly/i);
    expect(pkce).toMatch(/SameSite=Lax/i);
    expect(pkce).toMatch(/Max-Age=600/i);
    expect(flow.authorize.toString()).not.toContain(decodeURIComponent(pkce.split(';')[0]!.split('=')[1]!).replaceAll('"', ''));

    expect(flow.done.statusCode).toBe(303);
    expect(flow.done.headers.location).toBe('/whoami');
    const access = flow.doneCookies.find((c) => c.startsWith('bench_access='))!;
    const refresh = flow.doneCookies.find((c) => c.startsWith('bench_refresh='))!;
    for (const c of [access, refresh]) {
      expect(c).toMatch(/HttpOnly/i);
      expect(c).toMatch(/SameSite=Lax/i);
      expect(c).not.toMatch(/Secure/i); // plain http here; see the https test below
    }
    expect(flow.jar.get('bench_pkce')).toBeUndefined(); // the verifier is single-use: cleared after the exchange

    const me = await who(flow.jar.header());
    expect(me.body.user).toMatchObject({ id: alice.id, email: alice.email, displayName: 'Alice A' });
    const { rows } = await db.pool.query('SELECT email, display_name FROM users WHERE id = $1', [alice.id]);
    expect(rows[0]).toEqual({ email: alice.email, display_name: 'Alice A' });
  });

  it('refreshes transparently when the access token is gone or expired, rotating the refresh token', async () => {
    const { jar } = await signInWithGitHub(app, alice);
    const firstRefresh = jar.get('bench_refresh')!;

    // 1. The browser dropped the expired access cookie: only the refresh cookie is sent.
    jar.delete('bench_access');
    const r1 = await app.inject({ url: '/whoami', headers: { cookie: jar.header() } });
    const set1 = jar.update(r1);
    expect(r1.json().user).toMatchObject({ id: alice.id });
    expect(set1.some((c) => c.startsWith('bench_access=') && /HttpOnly/i.test(c))).toBe(true);
    expect(jar.get('bench_refresh')).not.toBe(firstRefresh);
    expect(supabase.sessionFor(firstRefresh)).toBeUndefined(); // Supabase rotated it: the old one is spent

    // 2. An expired access token is still sent: same outcome.
    jar.cookies.set('bench_access', { value: await supabase.mintAccessToken(alice, { expiresIn: -30 }), attributes: '' });
    const r2 = await app.inject({ url: '/whoami', headers: { cookie: jar.header() } });
    jar.update(r2);
    expect(r2.json().user).toMatchObject({ id: alice.id });

    // 3. The refreshed cookies work on their own, with no further refresh.
    const before = supabase.requests.filter((r) => r.path.includes('grant_type=refresh_token')).length;
    expect((await who(jar.header())).body.user).toMatchObject({ id: alice.id });
    expect(supabase.requests.filter((r) => r.path.includes('grant_type=refresh_token')).length).toBe(before);
  });

  it('a refresh token Supabase rejects ends the session and clears the cookies', async () => {
    const res = await app.inject({ url: '/whoami', headers: { cookie: 'bench_refresh=not-a-real-token' } });
    expect(res.json().user).toBeNull();
    expect(String(res.headers['set-cookie'])).toMatch(/bench_refresh=;/);
  });

  it('sign-out revokes the session at Supabase and clears cookies', async () => {
    const { jar } = await signInWithGitHub(app, alice);
    const refreshToken = jar.get('bench_refresh')!;
    const session = supabase.sessionFor(refreshToken)!;
    const csrf = await pageCsrf(app, jar);
    const out = await app.inject({ method: 'POST', url: '/logout', headers: { cookie: jar.header(), 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(303);
    expect(supabase.requests.at(-1)).toMatchObject({ method: 'POST', path: '/auth/v1/logout?scope=local', apikey: supabase.anonKey });
    expect(session.revoked).toBe(true);
    jar.update(out);
    expect(jar.get('bench_access')).toBeUndefined();
    expect(jar.get('bench_refresh')).toBeUndefined();
    // A copy of the old refresh cookie no longer brings the session back.
    expect((await who(`bench_refresh=${refreshToken}`)).body.user).toBeNull();
  });

  it('a Supabase outage during refresh is one quick attempt per request (no retry loop) and keeps the cookies', async () => {
    const { jar } = await signInWithGitHub(app, alice);
    jar.delete('bench_access');
    supabase.tokenFailure = 503;
    try {
      const before = supabase.requests.filter((r) => r.path.includes('grant_type=refresh_token')).length;
      const res = await app.inject({ url: '/whoami', headers: { cookie: jar.header() } });
      expect(res.json().user).toBeNull();
      expect(String(res.headers['set-cookie'] ?? '')).not.toContain('bench_refresh=;');
      expect(supabase.requests.filter((r) => r.path.includes('grant_type=refresh_token')).length).toBe(before + 1);
    } finally {
      supabase.tokenFailure = null;
    }
    // Once Supabase is back, the same refresh cookie works.
    expect((await who(jar.header())).body.user).toMatchObject({ id: alice.id });
  });

  it('when Supabase cannot be reached: refresh keeps the cookies, sign-out still clears them', async () => {
    const flaky = await startFakeSupabaseAuth();
    const other = await buildTestApp(db, { env: { SUPABASE_URL: flaky.url, SUPABASE_ANON_KEY: flaky.anonKey } });
    try {
      const { jar } = await githubSignIn(other, flaky, alice);
      const csrf = await pageCsrf(other, jar); // verifies the token once, so the JWKS is cached
      await flaky.close();
      // An outage is not a rejection: a refresh that cannot reach Supabase keeps the refresh cookie for next time.
      const refreshOnly = await other.inject({ url: '/', headers: { cookie: `bench_refresh=${jar.get('bench_refresh')}` } });
      expect(refreshOnly.statusCode).toBe(200);
      expect(String(refreshOnly.headers['set-cookie'] ?? '')).not.toContain('bench_refresh=;');
      const out = await other.inject({ method: 'POST', url: '/logout', headers: { cookie: jar.header(), 'x-csrf-token': csrf } });
      expect(out.statusCode).toBe(303);
      jar.update(out);
      expect(jar.get('bench_access')).toBeUndefined();
      expect(jar.get('bench_refresh')).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('a code cannot be exchanged without the verifier cookie of the browser that started (login CSRF)', async () => {
    const { jar, callback } = await signInWithGitHub(app, alice);
    expect(jar.get('bench_access')).toBeDefined();
    // Replay the same callback URL in a browser that never started the flow: no verifier, no session.
    const other = await app.inject({ url: `${callback.pathname}${callback.search}` });
    expect(other.statusCode).toBe(400);
    expect(other.body).toContain('started in another browser');
    expect(String(other.headers['set-cookie'] ?? '')).not.toContain('bench_access=');
  });

  it('a cancelled GitHub consent shows a message on the login page', async () => {
    const res = await app.inject('/auth/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('cancelled');
    expect(res.body).not.toContain('<script>alert');
  });

  it('marks cookies Secure when served over https (behind the production proxy)', async () => {
    const prod = await buildTestApp(db, {
      env: { NODE_ENV: 'production', HOST: '0.0.0.0', SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey, PUBLIC_URL: 'https://bench.example.com' },
    });
    try {
      supabase.nextUser = alice;
      const jar = new CookieJar();
      const https = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };
      const login = await prod.inject({ url: '/login', headers: https });
      jar.update(login);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
      const start = await prod.inject({ method: 'POST', url: '/auth/github', headers: { ...https, cookie: jar.header() }, payload: { _csrf: csrf } });
      expect(new URL(start.headers.location as string).searchParams.get('redirect_to')).toBe('https://bench.example.com/auth/callback');
      expect(jar.update(start).find((c) => c.startsWith('bench_pkce='))).toMatch(/Secure/i);
      const back = new URL((await fetch(start.headers.location as string, { redirect: 'manual' })).headers.get('location')!);
      const done = await prod.inject({ url: `${back.pathname}${back.search}`, headers: { ...https, cookie: jar.header() } });
      const set = jar.update(done);
      expect(done.statusCode).toBe(303);
      for (const name of ['bench_access=', 'bench_refresh=']) expect(set.find((c) => c.startsWith(name))).toMatch(/Secure/i);
    } finally {
      await prod.close();
    }
  });
});

describe('signed in but not on the allowlist', () => {
  it('lands on the not-allowed page, which links to request access', async () => {
    const listed = await buildTestApp(db, {
      env: { SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey, LIS_ALLOWED_EMAILS: 'boss@example.com' },
      setup: (a) => {
        whoami(a);
        a.get('/members', { preHandler: requireUser }, async () => 'members');
      },
    });
    try {
      const bob: FakeUser = { id: 'b0b0b0b0-0000-4000-8000-000000000002', email: 'bob@example.com', userName: 'bob' };
      const { done, jar } = await signInWithGitHub(listed, bob, '/members');
      expect(done.headers.location).toBe('/not-allowed');
      const page = await listed.inject({ url: '/not-allowed', headers: { cookie: jar.header() } });
      expect(page.statusCode).toBe(403);
      expect(page.body).toContain('bob@example.com');
      expect(page.body).toContain('href="/request-access"');
      const members = await listed.inject({ url: '/members', headers: { cookie: jar.header() } });
      expect(members.statusCode).toBe(302);
      expect(members.headers.location).toBe('/not-allowed');
      const me = (await listed.inject({ url: '/whoami', headers: { cookie: jar.header() } })).json();
      expect(me).toEqual({ user: null, notAllowed: { id: bob.id, email: bob.email } });
      // The request form is prefilled with the account's e-mail.
      expect((await listed.inject({ url: '/request-access', headers: { cookie: jar.header() } })).body).toContain('value="bob@example.com"');
    } finally {
      await listed.close();
    }
  });
});
