/**
 * The fake Supabase Auth's e-mail side, shaped like GoTrue's:
 *   POST /auth/v1/otp            sends a sign-in e-mail (link + six-digit code) into `outbox`; with a PKCE challenge
 *                                the link ends in ?code= for /token?grant_type=pkce, as supabase-js's PKCE flow expects
 *   GET  /auth/v1/verify         the link in the e-mail (opened by a browser, no API key): redirects to redirect_to
 *   POST /auth/v1/verify         the code typed in (email + token) or a token hash -> session
 *   POST /auth/v1/invite         admin: creates the user and "sends" an invitation (service-role key only)
 *   GET  /auth/v1/admin/users    admin: the user list (service-role key only)
 * One e-mail holds one token: using its link or its code uses up both, as in GoTrue.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fail, readJson, send, type FakeMail, type FakeSupabaseAuth, type FakeUser } from './supabase-auth.js';

interface Otp {
  mail: FakeMail;
  user: FakeUser;
  challenge: string | null;
  method: string;
  used: boolean;
}

interface EmailContext {
  fake: FakeSupabaseAuth;
  baseUrl: () => string;
  /** A new session for the user, as /token would answer it. */
  newSession: (user: FakeUser) => Promise<Record<string, unknown>>;
  /** A one-time auth code bound to a PKCE challenge, exchanged at /token?grant_type=pkce. */
  newCode: (user: FakeUser, challenge: string, method: string) => string;
  userJson: (user: FakeUser) => Record<string, unknown>;
}

/** Sends nothing more: `return failed(fail(...))` answers with GoTrue's error and tells the caller it was handled. */
const failed = (_sent: void) => true;

const sameEmail = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Finds or records a user, linking by verified e-mail as Supabase does: a known id is that user; a new id whose
 * e-mail is already registered is the registered user (GitHub's name filled in where it had none).
 */
export function linkUser(fake: FakeSupabaseAuth, user: FakeUser): FakeUser {
  const found = fake.users.find((u) => u.id === user.id) ?? fake.users.find((u) => sameEmail(u.email, user.email));
  if (!found) {
    fake.users.push(user);
    return user;
  }
  found.userName ??= user.userName;
  found.fullName ??= user.fullName;
  return found;
}

/** The admin API wants the secret key both as apikey and as the bearer token, as supabase-js sends it. */
function isAdmin(fake: FakeSupabaseAuth, req: IncomingMessage): boolean {
  return req.headers.apikey === fake.serviceRoleKey && req.headers.authorization === `Bearer ${fake.serviceRoleKey}`;
}

export function emailRoutes(ctx: EmailContext) {
  const { fake } = ctx;
  const otps: Otp[] = [];

  function mail(user: FakeUser, type: FakeMail['type'], redirectTo: string | null, challenge: string | null, method: string): FakeMail {
    const tokenHash = randomBytes(20).toString('hex');
    const link = new URL(`${ctx.baseUrl()}/auth/v1/verify`);
    link.searchParams.set('token', tokenHash);
    link.searchParams.set('type', type);
    if (redirectTo) link.searchParams.set('redirect_to', redirectTo);
    const m: FakeMail = { to: user.email, type, link: link.toString(), code: String(randomInt(0, 1_000_000)).padStart(6, '0'), tokenHash, redirectTo };
    otps.push({ mail: m, user, challenge, method, used: false });
    fake.outbox.push(m);
    return m;
  }

  const live = (pick: (o: Otp) => boolean) => otps.find((o) => !o.used && pick(o));

  /** Answers the request if it is one of these endpoints; false lets the main fake handle it. */
  async function handle(req: IncomingMessage, res: ServerResponse, u: URL): Promise<boolean> {
    const route = `${req.method} ${u.pathname}`;
    if (route === 'GET /auth/v1/verify') {
      const otp = live((o) => o.mail.tokenHash === u.searchParams.get('token'));
      const back = new URL(u.searchParams.get('redirect_to') ?? otp?.mail.redirectTo ?? ctx.baseUrl());
      if (!otp) {
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_code', 'otp_expired');
        back.searchParams.set('error_description', 'Email link is invalid or has expired');
        send(res, 303, undefined, { location: back.toString() });
        return true;
      }
      otp.used = true;
      if (otp.challenge) back.searchParams.set('code', ctx.newCode(otp.user, otp.challenge, otp.method));
      else back.hash = new URLSearchParams(Object.entries(await ctx.newSession(otp.user)).filter(([, v]) => typeof v !== 'object').map(([k, v]) => [k, String(v)])).toString();
      send(res, 303, undefined, { location: back.toString() });
      return true;
    }
    const known = new Set(['POST /auth/v1/otp', 'POST /auth/v1/verify', 'POST /auth/v1/invite', 'GET /auth/v1/admin/users']);
    if (!known.has(route)) return false;
    if (req.headers.apikey !== fake.anonKey && req.headers.apikey !== fake.serviceRoleKey) {
      fail(res, 401, 'no_api_key', 'Invalid API key');
      return true;
    }
    const adminRoute = route === 'POST /auth/v1/invite' || route === 'GET /auth/v1/admin/users';
    if (adminRoute && !isAdmin(fake, req)) {
      fail(res, 403, 'not_admin', 'User not allowed');
      return true;
    }
    const body = req.method === 'POST' ? await readJson(req) : {};
    // GoTrue keeps addresses lower-cased.
    const email = typeof body.email === 'string' ? body.email.toLowerCase() : '';
    const existing = fake.users.find((x) => sameEmail(x.email, email));

    if (route === 'POST /auth/v1/otp') {
      if (fake.failures.otp) return failed(fail(res, fake.failures.otp, 'over_email_send_rate_limit', 'email rate limit exceeded'));
      if (!email) return failed(fail(res, 400, 'validation_failed', 'An email address is required'));
      if (!existing && (body.create_user as unknown) === false) return failed(fail(res, 422, 'otp_disabled', 'Signups not allowed for otp'));
      const user = existing ?? linkUser(fake, { id: randomUUID(), email });
      mail(user, 'magiclink', u.searchParams.get('redirect_to'), body.code_challenge || null, body.code_challenge_method ?? 'plain');
      send(res, 200, {});
      return true;
    }
    if (route === 'POST /auth/v1/verify') {
      const otp = body.token_hash
        ? live((o) => o.mail.tokenHash === body.token_hash)
        : live((o) => sameEmail(o.mail.to, email) && o.mail.code === body.token);
      if (!otp) return failed(fail(res, 403, 'otp_expired', 'Token has expired or is invalid'));
      otp.used = true;
      send(res, 200, await ctx.newSession(otp.user));
      return true;
    }
    if (route === 'POST /auth/v1/invite') {
      if (fake.failures.invite) return failed(fail(res, fake.failures.invite, 'unexpected_failure', 'Error sending invite email'));
      if (existing) return failed(fail(res, 422, 'email_exists', 'A user with this email address has already been registered'));
      const user = linkUser(fake, { id: randomUUID(), email });
      mail(user, 'invite', u.searchParams.get('redirect_to'), null, 'plain');
      send(res, 200, ctx.userJson(user));
      return true;
    }
    // GET /auth/v1/admin/users
    send(res, 200, { users: fake.users.map(ctx.userJson), aud: 'authenticated' });
    return true;
  }

  return { handle };
}
