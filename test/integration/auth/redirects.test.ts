/**
 * The post-sign-in destination (`next`) through all three ways in: GET /login for a visitor already signed in,
 * POST /login/local, and the GitHub round trip (POST /auth/github keeps `next` in a cookie, the genuine
 * GET /auth/callback redirects there). Every Location is resolved the way a browser resolves it (WHATWG URL, which
 * drops tab/LF/CR and reads "\" as "/"), and must stay on our origin; values a header cannot carry must not be a 500.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSupabaseAuth, type FakeSupabaseAuth, type FakeUser } from '../../fakes/supabase-auth.js';
import { buildTestApp } from '../../helpers/app.js';
import { csrfFor, signIn } from '../../helpers/auth.js';
import { CookieJar } from '../../helpers/cookie-jar.js';
import { useTestDatabase } from '../../helpers/db.js';
import { signInWithGitHub } from '../../helpers/github-sign-in.js';

const db = useTestDatabase();
let local: FastifyInstance;
let github: FastifyInstance;
let supabase: FakeSupabaseAuth;

beforeAll(async () => {
  supabase = await startFakeSupabaseAuth();
  local = await buildTestApp(db);
  github = await buildTestApp(db, { env: { SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey } });
});
afterAll(async () => {
  await local?.close();
  await github?.close();
  await supabase?.close();
});

/** Values that leave the site once a browser has parsed them, or that Node refuses to put in a header. */
const HOSTILE: Record<string, string> = {
  tab: '/\t/evil.example/',
  'tab inside the slashes': '/\t\t/evil.example/',
  LF: '/\n/evil.example/',
  CR: '/\r/evil.example/',
  VT: '/\u000b/evil.example/',
  NUL: '/\u0000/x',
  backslash: '/\\evil.example/',
  'slash backslash': '/\\/evil.example/',
  'non-Latin-1 (U+3002, what %E3%80%82 decodes to)': '/\u3002/x',
  'dot segment then two slashes': '/.//evil.example/',
  'protocol-relative': '//evil.example/',
  absolute: 'https://evil.example/',
};

const ORIGIN = 'http://localhost';
/** Where a browser on our origin goes with this Location header. */
const browserTarget = (location: unknown) => new URL(String(location), `${ORIGIN}/login`);

function expectStaysHome(res: { statusCode: number; headers: Record<string, unknown> }, name: string) {
  expect(res.statusCode, name).toBeLessThan(400);
  expect(res.headers.location, name).toBe('/');
  expect(browserTarget(res.headers.location).origin, name).toBe(ORIGIN);
}

let ipSeq = 0;
/** A fresh loopback address per sign-in, so the per-IP sign-in limit (10 a minute) does not answer 429. */
const nextIp = () => `127.0.9.${++ipSeq}`;

describe('GET /login?next= for a visitor already signed in', () => {
  it.each(Object.entries(HOSTILE))('%s goes to /', async (name, next) => {
    const user = await signIn(local, db);
    const res = await local.inject({ url: `/login?next=${encodeURIComponent(next)}`, headers: { cookie: user.cookie } });
    expectStaysHome(res, name);
  });

  it('keeps a real path with its query and fragment', async () => {
    const user = await signIn(local, db);
    const res = await local.inject({ url: `/login?next=${encodeURIComponent('/problems?tag=nlp#list')}`, headers: { cookie: user.cookie } });
    expect(res.headers.location).toBe('/problems?tag=nlp#list');
  });
});

describe('POST /login/local', () => {
  it.each(Object.entries(HOSTILE))('%s goes to /', async (name, next) => {
    const { cookie, csrf } = await csrfFor(local);
    const res = await local.inject({
      method: 'POST',
      url: '/login/local',
      remoteAddress: nextIp(),
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, next }).toString(),
    });
    expectStaysHome(res, name);
  });

  it('keeps a non-ASCII Latin-1 path, percent-encoded', async () => {
    const { cookie, csrf } = await csrfFor(local);
    const res = await local.inject({ method: 'POST', url: '/login/local', remoteAddress: nextIp(), headers: { cookie, 'x-csrf-token': csrf }, payload: { next: '/notes/café' } });
    expect(res.headers.location).toBe('/notes/caf%C3%A9');
  });
});

describe('GET /auth/callback after a real GitHub sign-in', () => {
  const victim: FakeUser = { id: 'b2b2b2b2-0000-4000-8000-000000000002', email: 'victim@example.com', userName: 'victim', fullName: 'Victim V' };

  it.each(Object.entries(HOSTILE))('%s in the phishing link lands on /', async (name, next) => {
    const flow = await signInWithGitHub(github, supabase, victim, next, nextIp());
    expect(flow.start.statusCode, name).toBe(303);
    expect(flow.jar.get('bench_access'), name).toBeDefined(); // the sign-in itself succeeded
    expectStaysHome(flow.done, name);
  });

  it('a good next survives the round trip', async () => {
    const flow = await signInWithGitHub(github, supabase, victim, '/problems/stable-softmax?tab=notes', nextIp());
    expect(flow.done.headers.location).toBe('/problems/stable-softmax?tab=notes');
  });

  it.each(Object.entries(HOSTILE))('%s in a bench_next cookie set by hand is checked again at the callback', async (name, next) => {
    supabase.nextUser = victim;
    const jar = new CookieJar();
    const remoteAddress = nextIp();
    const login = await github.inject({ url: '/login', remoteAddress });
    jar.update(login);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
    const start = await github.inject({ method: 'POST', url: '/auth/github', remoteAddress, headers: { cookie: jar.header() }, payload: { _csrf: csrf } });
    jar.update(start);
    jar.cookies.set('bench_next', { value: encodeURIComponent(next), attributes: '' });
    const back = new URL((await fetch(start.headers.location as string, { redirect: 'manual' })).headers.get('location')!);
    const done = await github.inject({ url: `${back.pathname}${back.search}`, remoteAddress, headers: { cookie: jar.header() } });
    expectStaysHome(done, name);
  });
});
