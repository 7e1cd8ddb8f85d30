/**
 * The whole path, with every external service faked over real HTTP and driven by the real SDKs:
 * someone is turned away -> asks for access -> the operator is e-mailed (fake Resend, with our User-Agent) -> the
 * operator approves in the admin page -> the person is e-mailed -> that person signs in with GitHub and gets in.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_USER_AGENT } from '../../../src/access/notify.js';
import { buildTestApp } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { pageCsrf, signInWithGitHub } from '../../helpers/github-sign-in.js';
import { startFakeResend, type FakeResend } from '../../fakes/resend.js';
import { startFakeSupabaseAuth, type FakeSupabaseAuth, type FakeUser } from '../../fakes/supabase-auth.js';

const db = useTestDatabase();
let supabase: FakeSupabaseAuth;
let resend: FakeResend;
let app: FastifyInstance;
const operator: FakeUser = { id: randomUUID(), email: 'op@example.com', userName: 'the-operator', fullName: 'Olive Operator' };
const riley: FakeUser = { id: randomUUID(), email: 'riley@example.com', userName: 'riley-r', fullName: 'Riley R' };

beforeAll(async () => {
  [supabase, resend] = await Promise.all([startFakeSupabaseAuth(), startFakeResend()]);
  app = await buildTestApp(db, {
    env: {
      SUPABASE_URL: supabase.url,
      SUPABASE_ANON_KEY: supabase.anonKey,
      LIS_ALLOWED_USER_IDS: operator.id, // the operator is allowlisted, and so (fallback) the admin
      RESEND_API_KEY: 're_flow',
      RESEND_BASE_URL: resend.url,
      OPERATOR_NOTIFY_EMAIL: 'operator-inbox@example.com',
      PUBLIC_URL: 'https://bench.example.com',
    },
    setup: (a) => a.get('/whoami', async (req) => ({ user: req.user })),
  });
});
afterAll(async () => {
  await app?.close();
  await Promise.all([supabase?.close(), resend?.close()]);
});

describe('request access -> approve -> sign in', () => {
  it('lets Riley in once the operator approves, with both e-mails sent through Resend', async () => {
    // 1. Riley signs in with GitHub and is turned away.
    const first = await signInWithGitHub(app, supabase, riley, '/whoami');
    expect(first.done.headers.location).toBe('/not-allowed');
    expect((await app.inject({ url: '/whoami', headers: { cookie: first.jar.header() } })).json().user).toBeNull();

    // 2. She asks for access from that page's link, signed in (so the request records her account).
    const form = await app.inject({ url: '/request-access', headers: { cookie: first.jar.header() } });
    first.jar.update(form);
    expect(form.body).toContain('value="riley@example.com"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const sent = await app.inject({
      method: 'POST',
      url: '/request-access',
      headers: { cookie: first.jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, name: 'Riley R', email: 'riley@example.com', github: 'riley-r', reason: 'Interviewing for research engineering roles.', website: '' }).toString(),
    });
    expect(sent.statusCode).toBe(200);

    // 3. The operator got an e-mail, through Cloudflare's User-Agent check, with a link to the admin page.
    expect(resend.emails).toHaveLength(1);
    const alert = resend.emails[0]!;
    expect(alert.headers['user-agent']).toBe(MAIL_USER_AGENT);
    expect(alert.body.to).toEqual(['operator-inbox@example.com']);
    expect(alert.body.text).toContain('https://bench.example.com/admin/access-requests');

    // 4. The operator signs in, finds the request, confirms and approves it in place.
    const op = await signInWithGitHub(app, supabase, operator, '/admin/access-requests');
    expect(op.done.headers.location).toBe('/admin/access-requests');
    const list = await app.inject({ url: '/admin/access-requests', headers: { cookie: op.jar.header() } });
    op.jar.update(list);
    const id = new RegExp(`id="request-(\\d+)"[\\s\\S]*?riley@example\\.com`).exec(list.body)![1]!;
    const opCsrf = await pageCsrf(app, op.jar, '/admin/access-requests');
    const confirm = await app.inject({ url: `/admin/access-requests/${id}/confirm?decision=approved`, headers: { cookie: op.jar.header(), 'hx-request': 'true' } });
    expect(confirm.body).toContain('Approve Riley R');
    const decided = await app.inject({
      method: 'POST',
      url: `/admin/access-requests/${id}/decision`,
      headers: { cookie: op.jar.header(), 'x-csrf-token': opCsrf, 'hx-request': 'true' },
      payload: { decision: 'approved', note: 'Welcome.' },
    });
    expect(decided.statusCode).toBe(200);
    expect(decided.body).toContain('Approved by Olive Operator');
    expect(decided.body).toContain('requester e-mailed');

    // 5. Riley was told, at her own address.
    expect(resend.emails).toHaveLength(2);
    expect(resend.emails[1]!.body.to).toEqual(['riley@example.com']);
    expect(resend.emails[1]!.body.text).toContain('https://bench.example.com/login');
    expect(resend.emails[1]!.headers['user-agent']).toBe(MAIL_USER_AGENT);

    // 6. Her existing session gets in from its next request, and a fresh sign-in lands where she wanted to go.
    expect((await app.inject({ url: '/whoami', headers: { cookie: first.jar.header() } })).json().user).toMatchObject({ id: riley.id, isAdmin: false });
    const again = await signInWithGitHub(app, supabase, riley, '/whoami');
    expect(again.done.headers.location).toBe('/whoami');

    // 7. She is not an admin: the operator area does not exist for her.
    expect((await app.inject({ url: '/admin/access-requests', headers: { cookie: again.jar.header() } })).statusCode).toBe(404);

    // 8. /admin/users explains why she is in, and revoking the approval ends it.
    const users = await app.inject({ url: '/admin/users', headers: { cookie: op.jar.header() } });
    expect(users.body).toMatch(/Riley R[\s\S]*?approved request/);
    const revoke = await app.inject({ method: 'POST', url: `/admin/access-requests/${id}/revoke`, headers: { cookie: op.jar.header(), 'x-csrf-token': opCsrf } });
    expect(revoke.statusCode).toBe(303);
    expect((await app.inject({ url: '/whoami', headers: { cookie: again.jar.header() } })).json().user).toBeNull();
  });
});
