/**
 * Sign-in by e-mail link or code: the app's routes and the real supabase-js against the fake Supabase on 127.0.0.1.
 * PKCE link round trip, the code typed in another browser, the neutral answer for strangers, bad input kept with a
 * message beside the field, the per-address and per-IP limits, and one user whichever way they sign in.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_LIMITS, checkEmailLimit } from '../../../src/auth/email-service.js';
import { buildTestApp } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { browserOf, mailsTo } from '../../helpers/email-sign-in.js';
import { pageCsrf, signInWithGitHub } from '../../helpers/github-sign-in.js';
import { startFakeSupabaseAuth, type FakeSupabaseAuth, type FakeUser } from '../../fakes/supabase-auth.js';

const db = useTestDatabase();
let supabase: FakeSupabaseAuth;
let app: FastifyInstance;

const ALLOWED = ['ada@example.com', 'grace@example.com', 'linus@example.com', 'limit@example.com'];

beforeAll(async () => {
  supabase = await startFakeSupabaseAuth();
  app = await buildTestApp(db, {
    env: { SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey, LIS_ALLOWED_EMAILS: ALLOWED.join(','), PUBLIC_URL: 'http://bench.example.com' },
    setup: (a) => a.get('/whoami', async (req) => ({ user: req.user, notAllowed: req.signedInNotAllowed })),
  });
});
afterAll(async () => {
  await app?.close();
  await supabase?.close();
});

const whoami = async (b: ReturnType<typeof browserOf>) => (await b.send({ url: '/whoami' })).json();
const otpCalls = () => supabase.requests.filter((r) => r.path.startsWith('/auth/v1/otp'));

describe('e-mail sign-in link (PKCE through supabase-js)', () => {
  it('offers the e-mail form beside GitHub', async () => {
    const page = await app.inject('/login');
    expect(page.body).toContain('Sign in with GitHub');
    expect(page.body).toContain('E-mail me a sign-in link');
    expect(page.body).toContain('action="/auth/email"');
  });

  it('sends an allowed address a link that signs it in, in the asking browser, and lands on next', async () => {
    const b = browserOf(app, undefined, '127.0.0.11');
    const asked = await b.askForLink('Ada@Example.com', '/whoami');
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('a sign-in link is on its way');
    // The verifier is in a short-lived httpOnly cookie; only its challenge went to Supabase.
    const pkce = b.jar.cookies.get('bench_pkce')!;
    expect(pkce.attributes).toMatch(/HttpOnly/i);
    expect(pkce.attributes).toMatch(/Path=\/auth/i);
    const mails = mailsTo(supabase, 'ada@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.redirectTo).toBe('http://bench.example.com/auth/callback');
    expect(mails[0]!.code).toMatch(/^\d{6}$/);

    const { back, done } = await b.followLink(mails[0]!);
    expect(back.pathname).toBe('/auth/callback');
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/whoami');
    expect(b.jar.get('bench_pkce')).toBeUndefined();
    expect((await whoami(b)).user).toMatchObject({ email: 'ada@example.com' });
  });

  it('lets the code be typed in another browser, and refuses the link after that (one token per e-mail)', async () => {
    const asking = browserOf(app, undefined, '127.0.0.12');
    await asking.askForLink('grace@example.com', '/whoami');
    const mail = mailsTo(supabase, 'grace@example.com').at(-1)!;

    const other = browserOf(app, undefined, '127.0.0.13');
    const typed = await other.typeCode('grace@example.com', `${mail.code.slice(0, 3)} ${mail.code.slice(3)}`, '/whoami');
    expect(typed.statusCode).toBe(303);
    expect(typed.headers.location).toBe('/whoami');
    expect((await whoami(other)).user).toMatchObject({ email: 'grace@example.com' });

    const { done } = await asking.followLink(mail);
    expect(done.statusCode).toBe(400);
    expect(done.body).toContain('expired or was already used');
    expect((await whoami(asking)).user).toBeNull();
  });

  it('a link opened in another browser than the one that asked says to type the code', async () => {
    await browserOf(app, undefined, '127.0.0.14').askForLink('linus@example.com');
    const elsewhere = browserOf(app, undefined, '127.0.0.15');
    const { done } = await elsewhere.followLink(mailsTo(supabase, 'linus@example.com').at(-1)!);
    expect(done.statusCode).toBe(400);
    expect(done.body).toContain('type the six-digit code from the e-mail instead');
    expect((await whoami(elsewhere)).user).toBeNull();
  });

  it('answers a stranger exactly as an allowed address, and sends nothing', async () => {
    const allowed = browserOf(app, undefined, '127.0.0.16');
    const stranger = browserOf(app, undefined, '127.0.0.17');
    const before = { mails: supabase.outbox.length, otp: otpCalls().length };
    const a = await allowed.askForLink('ada@example.com');
    const s = await stranger.askForLink('mallory@example.com');
    expect(supabase.outbox.length).toBe(before.mails + 1);
    expect(otpCalls().length).toBe(before.otp + 1);
    expect(mailsTo(supabase, 'mallory@example.com')).toHaveLength(0);
    expect(s.statusCode).toBe(a.statusCode);
    const strip = (body: string) => body.replace(/ada@example\.com|mallory@example\.com/g, 'X').replace(/value="[^"]{20,}"|content="[^"]{20,}"/g, 'T');
    expect(strip(s.body)).toBe(strip(a.body));
    expect([...stranger.jar.cookies.keys()].sort()).toEqual([...allowed.jar.cookies.keys()].sort());
    expect(s.body).toContain('href="/request-access"');
  });

  it('keeps a bad address with a message beside the field', async () => {
    const b = browserOf(app, undefined, '127.0.0.18');
    const res = await b.askForLink('ada at example');
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('value="ada at example"');
    expect(res.body).toMatch(/id="f-email-error">Enter an e-mail address/);
  });

  it('keeps a wrong or malformed code with a message beside it', async () => {
    const b = browserOf(app, undefined, '127.0.0.19');
    const malformed = await b.typeCode('ada@example.com', '12ab');
    expect(malformed.statusCode).toBe(422);
    expect(malformed.body).toContain('value="12ab"');
    expect(malformed.body).toMatch(/id="f-code-error">The code is the six digits/);
    const wrong = await b.typeCode('ada@example.com', '000000');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('value="ada@example.com"');
    expect(wrong.body).toMatch(/id="f-code-error">That code is not right/);
    expect((await whoami(b)).user).toBeNull();
  });

  it('limits links per address, whatever the IP, with the address kept and the reason beside it', async () => {
    const before = mailsTo(supabase, 'limit@example.com').length;
    for (let i = 0; i < EMAIL_LIMITS.link.perEmail; i += 1) {
      expect((await browserOf(app, undefined, `127.0.1.${i + 1}`).askForLink('limit@example.com')).statusCode).toBe(200);
    }
    const over = await browserOf(app, undefined, '127.0.1.99').askForLink('LIMIT@example.com');
    expect(over.statusCode).toBe(429);
    expect(over.body).toContain('value="LIMIT@example.com"');
    expect(over.body).toMatch(/id="f-email-error">Too many sign-in attempts for this address/);
    expect(mailsTo(supabase, 'limit@example.com').length - before).toBe(EMAIL_LIMITS.link.perEmail);
  });

  it('limits attempts per IP across addresses, and counts strangers the same as allowed addresses', async () => {
    const ip = '192.0.2.1'; // a documentation address, only ever a string key here
    for (let i = 0; i < EMAIL_LIMITS.code.perIp; i += 1) expect(await checkEmailLimit(db.pool, 'code', `p${i}@example.com`, ip)).toBe('ok');
    expect(await checkEmailLimit(db.pool, 'code', 'another@example.com', ip)).toBe('ip');
    expect(await checkEmailLimit(db.pool, 'code', 'another@example.com', '192.0.2.2')).toBe('ok');
    // Links and codes are counted apart: typing codes does not use up the links.
    expect(await checkEmailLimit(db.pool, 'link', 'another@example.com', ip)).toBe('ok');
  });
});

describe('one user, whichever way they sign in', () => {
  it('GitHub and an e-mail link with the same verified address are one Bench user; sign-out ends either session', async () => {
    const linus: FakeUser = { id: 'b2b2b2b2-0000-4000-8000-000000000002', email: 'linus@example.com', userName: 'torvalds', fullName: 'Linus T' };
    // The e-mail user already exists (the earlier test created it at Supabase); GitHub with the same address links to it.
    const viaGitHub = await signInWithGitHub(app, supabase, linus, '/whoami');
    const githubUser = (await app.inject({ url: '/whoami', headers: { cookie: viaGitHub.jar.header() } })).json().user;

    const b = browserOf(app, undefined, '127.0.0.21');
    await b.askForLink('linus@example.com', '/whoami');
    await b.followLink(mailsTo(supabase, 'linus@example.com').at(-1)!);
    const emailUser = (await whoami(b)).user;
    expect(emailUser.id).toBe(githubUser.id);
    expect(emailUser.displayName).toBe('Linus T');
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = $1', ['linus@example.com']);
    expect(rows[0].n).toBe(1);

    // Sign-out is the same route for both: the e-mail session is revoked at Supabase and its cookies cleared.
    const session = supabase.sessionFor(b.jar.get('bench_refresh')!)!;
    const csrf = await pageCsrf(app, b.jar, '/');
    const out = await b.send({ method: 'POST', url: '/logout', headers: { 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(303);
    expect(session.revoked).toBe(true);
    expect(b.jar.get('bench_access')).toBeUndefined();
    expect(b.jar.get('bench_refresh')).toBeUndefined();
    expect((await whoami(b)).user).toBeNull();

    // The GitHub session of the same user signs out the same way.
    const githubSession = supabase.sessionFor(viaGitHub.jar.get('bench_refresh')!)!;
    const ghCsrf = await pageCsrf(app, viaGitHub.jar, '/');
    const ghOut = await app.inject({ method: 'POST', url: '/logout', headers: { cookie: viaGitHub.jar.header(), 'x-csrf-token': ghCsrf } });
    viaGitHub.jar.update(ghOut);
    expect(githubSession.revoked).toBe(true);
    expect(viaGitHub.jar.get('bench_access')).toBeUndefined();
    expect((await app.inject({ url: '/whoami', headers: { cookie: viaGitHub.jar.header() } })).json().user).toBeNull();
  });
});
