/**
 * Drives a browser's part of "Sign in with GitHub" against an app configured with the fake Supabase: the login page,
 * POST /auth/github, the fake's /authorize (which stands in for GitHub's consent and redirects back with a code), and
 * /auth/callback. Everything in between is the app's real code and the real supabase-js.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { FakeSupabaseAuth, FakeUser } from '../fakes/supabase-auth.js';
import { CookieJar } from './cookie-jar.js';

/** `remoteAddress` lets a test that signs in many times stay under the per-IP sign-in rate limit. */
export async function signInWithGitHub(app: FastifyInstance, supabase: FakeSupabaseAuth, user: FakeUser, next = '/', remoteAddress?: string) {
  supabase.nextUser = user;
  const jar = new CookieJar();
  const login = await app.inject({ url: '/login', remoteAddress });
  jar.update(login);
  expect(login.body).toContain('Sign in with GitHub');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
  const start = await app.inject({ method: 'POST', url: '/auth/github', remoteAddress, headers: { cookie: jar.header() }, payload: { _csrf: csrf, next } });
  const startCookies = jar.update(start);
  expect(start.statusCode).toBe(303);
  const authorize = new URL(start.headers.location as string);
  const back = await fetch(authorize, { redirect: 'manual' });
  expect(back.status).toBe(302);
  const callback = new URL(back.headers.get('location')!);
  const done = await app.inject({ url: `${callback.pathname}${callback.search}`, remoteAddress, headers: { cookie: jar.header() } });
  const doneCookies = jar.update(done);
  return { jar, authorize, callback, start, startCookies, done, doneCookies };
}

/** The CSRF token of a rendered page, after taking its cookies into the jar. */
export async function pageCsrf(app: FastifyInstance, jar: CookieJar, url = '/'): Promise<string> {
  const page = await app.inject({ url, headers: { cookie: jar.header() } });
  jar.update(page);
  return /<meta name="csrf-token" content="([^"]+)"/.exec(page.body)![1]!;
}
