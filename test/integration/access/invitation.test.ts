/**
 * Approval gives the approved person a way in: with SUPABASE_SERVICE_ROLE_KEY, an invitation through Supabase's admin
 * API (the fake's /invite, driven by supabase-js); without it, or when Supabase fails or already knows the address,
 * our own e-mail through Resend. The approval stands whatever happens to the invitation. And the service-role key
 * appears in no response and no log line.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { loadAppSecrets } from '../../../src/auth/secrets.js';
import { testConfig } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { browserOf, mailsTo } from '../../helpers/email-sign-in.js';
import { pageCsrf, signInWithGitHub } from '../../helpers/github-sign-in.js';
import { startFakeResend, type FakeResend } from '../../fakes/resend.js';
import { startFakeSupabaseAuth, type FakeSupabaseAuth, type FakeUser } from '../../fakes/supabase-auth.js';

const db = useTestDatabase();
let supabase: FakeSupabaseAuth;
let resend: FakeResend;
let withKey: FastifyInstance;
let withoutKey: FastifyInstance;
/** Every response body and header set, and every log line, of both apps: grepped for the key at the end. */
const seen: string[] = [];
const operator: FakeUser = { id: randomUUID(), email: 'op@example.com', userName: 'the-operator', fullName: 'Olive Operator' };

async function appWith(env: Record<string, string>): Promise<FastifyInstance> {
  const app = await buildApp({
    config: testConfig(db, {
      SUPABASE_URL: supabase.url,
      SUPABASE_ANON_KEY: supabase.anonKey,
      LIS_ALLOWED_USER_IDS: operator.id,
      RESEND_API_KEY: 're_invites',
      RESEND_BASE_URL: resend.url,
      PUBLIC_URL: 'http://bench.example.com',
      ...env,
    }),
    pool: db.pool,
    secrets: await loadAppSecrets(db.pool),
    logger: { level: 'trace', stream: { write: (line: string) => void seen.push(line) } },
  });
  app.get('/whoami', async (req) => ({ user: req.user }));
  app.addHook('onSend', async (_req, reply, payload) => {
    seen.push(JSON.stringify(reply.getHeaders()), typeof payload === 'string' ? payload : '');
    return payload;
  });
  await app.ready();
  return app;
}

beforeAll(async () => {
  [supabase, resend] = await Promise.all([startFakeSupabaseAuth(), startFakeResend()]);
  withKey = await appWith({ SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey });
  withoutKey = await appWith({});
});
afterAll(async () => {
  await Promise.all([withKey?.close(), withoutKey?.close()]);
  await Promise.all([supabase?.close(), resend?.close()]);
});

/** Someone asks for access (signed out), and the operator approves it in the admin page; returns the approved row's fragment. */
async function askAndApprove(app: FastifyInstance, email: string, remoteAddress: string) {
  const asker = browserOf(app, undefined, remoteAddress);
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await asker.send({ url: '/request-access' })).body)![1]!;
  const fields = { _csrf: csrf, name: 'Nia N', email, github: '', reason: 'Preparing for ML interviews this spring.', website: '' };
  const sent = await asker.send({ method: 'POST', url: '/request-access', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
  expect(sent.statusCode).toBe(200);
  const { rows } = await db.pool.query(`SELECT id::text FROM access_requests WHERE email = $1`, [email]);
  const id = rows[0].id as string;
  const op = await signInWithGitHub(app, supabase, operator, '/admin/access-requests');
  const opCsrf = await pageCsrf(app, op.jar, '/admin/access-requests');
  const decided = await app.inject({
    method: 'POST',
    url: `/admin/access-requests/${id}/decision`,
    headers: { cookie: op.jar.header(), 'x-csrf-token': opCsrf, 'hx-request': 'true' },
    payload: { decision: 'approved', note: '' },
  });
  expect(decided.statusCode).toBe(200);
  const status = (await db.pool.query(`SELECT status, invite_status, invite_error FROM access_requests WHERE id = $1`, [id])).rows[0];
  return { id, fragment: decided.body, status };
}

const inviteCalls = () => supabase.requests.filter((r) => r.path.startsWith('/auth/v1/invite'));
const resendTo = (email: string) => resend.emails.filter((m) => m.body.to.includes(email));

describe('approval with SUPABASE_SERVICE_ROLE_KEY', () => {
  it('invites the address through the admin API; the invitation signs them in at once; no Resend mail', async () => {
    const before = inviteCalls().length;
    const { fragment, status } = await askAndApprove(withKey, 'nia@example.com', '127.0.2.1');
    expect(status).toEqual({ status: 'approved', invite_status: 'sent', invite_error: null });
    expect(inviteCalls().length).toBe(before + 1);
    expect(inviteCalls().at(-1)!.apikey).toBe(supabase.serviceRoleKey);
    expect(fragment).toContain('Supabase invitation sent');
    expect(resendTo('nia@example.com')).toHaveLength(0);

    const invitation = mailsTo(supabase, 'nia@example.com').find((m) => m.type === 'invite')!;
    expect(invitation.redirectTo).toBe('http://bench.example.com/auth/confirm');
    // The operator's template links to /auth/confirm with the token hash (docs/access.md).
    const b = browserOf(withKey, undefined, '127.0.2.2');
    const landed = await b.send({ url: `/auth/confirm?token_hash=${invitation.tokenHash}&type=invite` });
    expect(landed.statusCode).toBe(303);
    expect(landed.headers.location).toBe('/');
    expect((await b.send({ url: '/whoami' })).json().user).toMatchObject({ email: 'nia@example.com' });
    // Used once.
    const again = await browserOf(withKey, undefined, '127.0.2.3').send({ url: `/auth/confirm?token_hash=${invitation.tokenHash}&type=invite` });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('expired or was already used');
  });

  it('an address Supabase already knows gets no invitation but the Resend e-mail saying how to sign in', async () => {
    supabase.users.push({ id: randomUUID(), email: 'known@example.com' });
    const { fragment, status } = await askAndApprove(withKey, 'known@example.com', '127.0.2.4');
    expect(status).toEqual({ status: 'approved', invite_status: 'registered', invite_error: null });
    expect(fragment).toContain('already has a Supabase account');
    expect(resendTo('known@example.com')).toHaveLength(1);
    expect(resendTo('known@example.com')[0]!.body.text).toContain('ask for a sign-in link to known@example.com');
  });

  it('a failing invitation is shown, the approval stands, Resend tells them, and they can sign in by link', async () => {
    supabase.failures.invite = 500;
    try {
      const { fragment, status } = await askAndApprove(withKey, 'oren@example.com', '127.0.2.5');
      expect(status.status).toBe('approved');
      expect(status.invite_status).toBe('failed');
      expect(status.invite_error).toContain('Supabase answered 500');
      expect(fragment).toContain('The invitation did not go out');
      expect(fragment).toContain('Approved by Olive Operator');
      expect(resendTo('oren@example.com')).toHaveLength(1);
    } finally {
      delete supabase.failures.invite;
    }
    const b = browserOf(withKey, undefined, '127.0.2.6');
    await b.askForLink('oren@example.com', '/whoami');
    const { done } = await b.followLink(mailsTo(supabase, 'oren@example.com').at(-1)!);
    expect(done.headers.location).toBe('/whoami');
    expect((await b.send({ url: '/whoami' })).json().user).toMatchObject({ email: 'oren@example.com' });
  });
});

describe('approval without the service-role key', () => {
  it('sends the Resend e-mail with how to sign in, and calls no admin API', async () => {
    const before = inviteCalls().length;
    const { fragment, status } = await askAndApprove(withoutKey, 'pia@example.com', '127.0.2.7');
    expect(status).toEqual({ status: 'approved', invite_status: null, invite_error: null });
    expect(inviteCalls().length).toBe(before);
    expect(fragment).toContain('requester e-mailed');
    const mail = resendTo('pia@example.com');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body.text).toContain('http://bench.example.com/login');
    expect(mail[0]!.body.text).toContain('ask for a sign-in link to pia@example.com');
  });
});

describe('the service-role key stays on the server', () => {
  it('appears in no response, header or log line of either app', () => {
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.some((s) => s.includes('Supabase invitation'))).toBe(true); // the logs were captured at all
    const leaks = seen.filter((s) => s.includes(supabase.serviceRoleKey));
    expect(leaks).toEqual([]);
  });
});
