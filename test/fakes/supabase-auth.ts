/**
 * A fake Supabase Auth (GoTrue) on 127.0.0.1, real HTTP, for the real supabase-js and jose to talk to:
 *   GET  /auth/v1/authorize                      stands in for Supabase -> GitHub -> Supabase: redirects straight back
 *                                                to redirect_to with a one-time code bound to the PKCE challenge
 *   POST /auth/v1/token?grant_type=pkce          code + verifier -> session (checks S256(verifier) == challenge)
 *   POST /auth/v1/token?grant_type=refresh_token refresh token -> new session; refresh tokens are single-use
 *   POST /auth/v1/logout?scope=local|global      revokes the session named by the bearer token
 *   GET  /auth/v1/user                           the bearer token's user
 *   GET  /auth/v1/.well-known/jwks.json          public keys, generated here; rotate() adds a new signing key
 * and, in supabase-auth-email.ts, e-mail sign-in (/otp, /verify) and the admin API (/invite, /admin/users).
 * Users live in one registry keyed by e-mail, as in Supabase: a GitHub sign-in with the verified e-mail of an existing
 * user is linked to that user (same id), whichever way they first arrived.
 * Access tokens are ES256 JWTs shaped like Supabase's (iss <url>/auth/v1, aud authenticated, session_id, metadata).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emailRoutes, linkUser } from './supabase-auth-email.js';
import { exportJWK, generateKeyPair, jwtVerify, createLocalJWKSet, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface FakeUser {
  id: string;
  email: string;
  /** GitHub's login; absent for a user who only ever signed in by e-mail. */
  userName?: string;
  fullName?: string;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface SessionRecord {
  id: string;
  user: FakeUser;
  refreshToken: string;
  revoked: boolean;
}

export interface FakeSupabaseAuth {
  url: string;
  anonKey: string;
  /** The user the next /authorize "signs in with GitHub". */
  nextUser: FakeUser;
  accessTokenTtlSeconds: number;
  /** When set, /token answers with this status (an overloaded or broken Supabase). */
  tokenFailure: number | null;
  requests: { method: string; path: string; apikey: string | undefined }[];
  jwksFetches: number;
  /** Adds a new key, signs with it from now on; the old one stays published unless `dropOld`. */
  rotate(opts?: { dropOld?: boolean }): Promise<string>;
  currentKid(): string;
  /** Mints an access token as Supabase would, with overrides for forging tests. */
  mintAccessToken(user: FakeUser, opts?: { expiresIn?: number; sessionId?: string; issuer?: string; audience?: string }): Promise<string>;
  sessionFor(refreshToken: string): SessionRecord | undefined;
  sessions: SessionRecord[];
  /** Supabase's auth.users: everyone who ever signed in, was sent a link, or was invited. */
  users: FakeUser[];
  /** The project's secret key for the admin API (/invite, /admin/users). */
  serviceRoleKey: string;
  /** Every e-mail Supabase "sent": sign-in links and invitations, each with its link, six-digit code and token hash. */
  outbox: FakeMail[];
  /** When set, /otp or /invite answer with this status (Supabase's own rate limit, or a broken project). */
  failures: { otp?: number; invite?: number };
  close(): Promise<void>;
}

export interface FakeMail {
  to: string;
  type: 'magiclink' | 'invite';
  /** {{ .ConfirmationURL }}: Supabase's /verify, which redirects to redirect_to. */
  link: string;
  /** {{ .Token }}: the six-digit code. */
  code: string;
  /** {{ .TokenHash }}: for a template that links to the app's own confirm page. */
  tokenHash: string;
  redirectTo: string | null;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export async function readJson(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  return raw ? JSON.parse(raw) : {};
}

export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

/** What Supabase keeps from GitHub: an e-mail-only user has no GitHub login or name. */
function userMetadata(u: FakeUser) {
  return { email: u.email, ...(u.userName ? { user_name: u.userName, full_name: u.fullName ?? u.userName } : u.fullName ? { full_name: u.fullName } : {}) };
}

/** GoTrue's error shape; supabase-js turns it into an AuthApiError with this code. */
export const fail = (res: ServerResponse, status: number, code: string, msg: string) => send(res, status, { code: status, error_code: code, msg });

export async function startFakeSupabaseAuth(opts: { anonKey?: string } = {}): Promise<FakeSupabaseAuth> {
  const keys: SigningKey[] = [await newKey()];
  let signing = keys[0]!;
  const codes = new Map<string, { challenge: string; method: string; user: FakeUser }>();
  const sessions: SessionRecord[] = [];
  let url = '';

  const fake: FakeSupabaseAuth = {
    url: '',
    anonKey: opts.anonKey ?? `anon-${randomBytes(8).toString('hex')}`,
    nextUser: { id: randomUUID(), email: 'someone@example.com', userName: 'someone' },
    users: [],
    serviceRoleKey: `service-${randomBytes(12).toString('hex')}`,
    outbox: [],
    failures: {},
    accessTokenTtlSeconds: 3600,
    tokenFailure: null,
    requests: [],
    jwksFetches: 0,
    sessions,
    async rotate({ dropOld = false } = {}) {
      const key = await newKey();
      if (dropOld) keys.splice(0, keys.length);
      keys.push(key);
      signing = key;
      return key.kid;
    },
    currentKid: () => signing.kid,
    async mintAccessToken(user, o = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        email: user.email,
        role: 'authenticated',
        aal: 'aal1',
        session_id: o.sessionId ?? randomUUID(),
        is_anonymous: false,
        app_metadata: { provider: 'github', providers: ['github'] },
        user_metadata: userMetadata(user),
      })
        .setProtectedHeader({ alg: 'ES256', kid: signing.kid, typ: 'JWT' })
        .setIssuer(o.issuer ?? `${url}/auth/v1`)
        .setAudience(o.audience ?? 'authenticated')
        .setSubject(user.id)
        .setIssuedAt(now)
        .setExpirationTime(now + (o.expiresIn ?? fake.accessTokenTtlSeconds))
        .sign(signing.privateKey);
    },
    sessionFor: (refreshToken) => sessions.find((s) => s.refreshToken === refreshToken),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const userJson = (u: FakeUser) => ({
    id: u.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: u.email,
    app_metadata: { provider: 'github', providers: ['github'] },
    user_metadata: userMetadata(u),
    identities: [],
    created_at: new Date().toISOString(),
  });

  async function issueSession(session: SessionRecord) {
    if (!sessions.includes(session)) sessions.push(session);
    session.refreshToken = b64url(randomBytes(24));
    const accessToken = await fake.mintAccessToken(session.user, { sessionId: session.id });
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: fake.accessTokenTtlSeconds,
      expires_at: Math.floor(Date.now() / 1000) + fake.accessTokenTtlSeconds,
      refresh_token: session.refreshToken,
      user: userJson(session.user),
    };
  }

  /** The session named by a bearer token, verified against our own published keys as GoTrue would. */
  async function bearerSession(req: IncomingMessage): Promise<SessionRecord | null> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) }), { issuer: `${url}/auth/v1` });
      return sessions.find((s) => s.id === payload.session_id && !s.revoked) ?? null;
    } catch {
      return null;
    }
  }

  const email = emailRoutes({
    fake,
    baseUrl: () => url,
    newSession: (user) => issueSession({ id: randomUUID(), user, refreshToken: '', revoked: false }),
    newCode: (user, challenge, method) => {
      const code = randomUUID();
      codes.set(code, { challenge, method, user });
      return code;
    },
    userJson,
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    fake.requests.push({ method: req.method ?? 'GET', path: `${u.pathname}${u.search}`, apikey: req.headers.apikey as string | undefined });
    if (await email.handle(req, res, u)) return;
    if (u.pathname === '/auth/v1/.well-known/jwks.json') {
      fake.jwksFetches += 1;
      return send(res, 200, { keys: keys.map((k) => k.publicJwk) });
    }
    // The browser navigates to /authorize (no API key); every other endpoint needs the project's key, as on Supabase.
    const open = req.method === 'GET' && u.pathname === '/auth/v1/authorize';
    if (!open && req.headers.apikey !== fake.anonKey && req.headers.apikey !== fake.serviceRoleKey) return fail(res, 401, 'no_api_key', 'Invalid API key');

    if (open) {
      const redirectTo = u.searchParams.get('redirect_to');
      const challenge = u.searchParams.get('code_challenge');
      if (u.searchParams.get('provider') !== 'github' || !redirectTo || !challenge) return fail(res, 400, 'validation_failed', 'bad authorize request');
      const code = randomUUID();
      codes.set(code, { challenge, method: u.searchParams.get('code_challenge_method') ?? 'plain', user: linkUser(fake, fake.nextUser) });
      const back = new URL(redirectTo);
      back.searchParams.set('code', code);
      return send(res, 302, undefined, { location: back.toString() });
    }

    if (req.method === 'POST' && u.pathname === '/auth/v1/token') {
      if (fake.tokenFailure) return send(res, fake.tokenFailure, { message: 'upstream unavailable' });
      const body = await readJson(req);
      const grant = u.searchParams.get('grant_type');
      if (grant === 'pkce') {
        const entry = codes.get(body.auth_code ?? '');
        codes.delete(body.auth_code ?? '');
        if (!entry) return fail(res, 404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
        const expected = entry.method === 's256' ? b64url(createHash('sha256').update(body.code_verifier ?? '').digest()) : body.code_verifier;
        if (!body.code_verifier || expected !== entry.challenge) return fail(res, 403, 'bad_code_verifier', 'code challenge does not match previously saved code verifier');
        return send(res, 200, await issueSession({ id: randomUUID(), user: entry.user, refreshToken: '', revoked: false }));
      }
      if (grant === 'refresh_token') {
        const session = sessions.find((s) => s.refreshToken === body.refresh_token && !s.revoked);
        if (!session) return fail(res, 400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
        return send(res, 200, await issueSession(session));
      }
      return fail(res, 400, 'unsupported_grant_type', 'unsupported grant type');
    }

    if (req.method === 'POST' && u.pathname === '/auth/v1/logout') {
      const session = await bearerSession(req);
      if (!session) return fail(res, 401, 'bad_jwt', 'invalid JWT');
      const scope = u.searchParams.get('scope') ?? 'global';
      for (const s of sessions) {
        if (scope === 'global' ? s.user.id === session.user.id : scope === 'local' ? s === session : s.user.id === session.user.id && s !== session) s.revoked = true;
      }
      return send(res, 204);
    }

    if (req.method === 'GET' && u.pathname === '/auth/v1/user') {
      const session = await bearerSession(req);
      if (!session) return fail(res, 401, 'bad_jwt', 'invalid JWT');
      return send(res, 200, userJson(session.user));
    }
    return fail(res, 404, 'not_found', 'no such endpoint');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { code: 500, msg: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = url;
  return fake;
}
