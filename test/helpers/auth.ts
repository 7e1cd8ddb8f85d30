/**
 * Signing in for tests, through the real path: a token minted with the installation's local key (the same code
 * `Sign in locally` uses), checked by the real verifier, plus a real CSRF token read from a rendered page.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { LOCAL_OPERATOR_ID } from '../../src/auth/access.js';
import { ACCESS_COOKIE } from '../../src/auth/cookies.js';
import { upsertUser } from '../../src/auth/queries.js';
import { signLocalToken } from '../../src/auth/tokens.js';

export interface SignedIn {
  /** Send as the Cookie header. */
  cookie: string;
  /** Send as the x-csrf-token header (or the _csrf form field) on POSTs. */
  csrf: string;
  user: { id: string; email: string; displayName: string; isAdmin: boolean };
  /** Headers for app.inject: cookie + csrf. */
  headers: Record<string, string>;
}

/** Reads the CSRF secret cookie and token the way a browser would get them: from a rendered page. */
export async function csrfFor(app: FastifyInstance, cookie = ''): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ url: '/', headers: cookie ? { cookie } : {} });
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(res.body)?.[1];
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const csrfCookie = setCookie.map((c) => c.split(';')[0]!).find((c) => /^(__Host-)?bench_csrf=/.test(c));
  if (!csrf || !csrfCookie) throw new Error('no CSRF token on the home page');
  return { cookie: [cookie, csrfCookie].filter(Boolean).join('; '), csrf };
}

/**
 * Signs a user in. `admin: true` signs in as the local operator (an admin by definition); otherwise a new user
 * (or the given id/email) who is let in because the test config has no allowlist, unless the test sets one.
 */
export async function signIn(
  app: FastifyInstance,
  db: { pool: pg.Pool },
  opts: { id?: string; email?: string; name?: string; admin?: boolean } = {},
): Promise<SignedIn> {
  const id = opts.admin ? LOCAL_OPERATOR_ID : (opts.id ?? randomUUID());
  const email = opts.email ?? (opts.admin ? 'operator@localhost' : `user-${id.slice(0, 8)}@example.com`);
  const name = opts.name ?? (opts.admin ? 'Local operator' : `Test user ${id.slice(0, 4)}`);
  await upsertUser(db.pool, { id, email, displayName: name });
  const token = await signLocalToken(app.deps.secrets.localKey, { sub: id, email, name });
  const { cookie, csrf } = await csrfFor(app, `${ACCESS_COOKIE}=${token}`);
  return {
    cookie,
    csrf,
    user: { id, email, displayName: name, isAdmin: Boolean(opts.admin) },
    headers: { cookie, 'x-csrf-token': csrf },
  };
}

/** The signed-in cookies in the shape a Playwright browser context takes (context.addCookies). */
export function browserCookies(signedIn: SignedIn, url: string): { name: string; value: string; url: string }[] {
  return signedIn.cookie.split('; ').map((pair) => {
    const [name, ...rest] = pair.split('=');
    return { name: name!, value: rest.join('='), url };
  });
}
