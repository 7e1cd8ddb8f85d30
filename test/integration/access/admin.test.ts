/**
 * The operator area and the allowlist: who gets in (id, e-mail, approval), who is an admin (explicit, or the
 * allowlisted ids as a fallback), 404 for everyone else on every /admin route, deciding requests in place, revoking.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/app.js';
import { csrfFor, signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { listRoutes } from '../../helpers/routes.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic } from '../../fakes/anthropic.js';

const db = useTestDatabase();
const ADMIN = randomUUID();
const MEMBER = randomUUID();
let app: FastifyInstance;

const whoami = (a: FastifyInstance) => a.get('/whoami', async (req) => ({ user: req.user }));

beforeAll(async () => {
  app = await buildTestApp(db, {
    env: { LIS_ALLOWED_USER_IDS: `${ADMIN},${MEMBER}`, LIS_ALLOWED_EMAILS: 'Listed@Example.com', LIS_ADMIN_USER_IDS: ADMIN },
    setup: whoami,
  });
});
afterAll(() => app?.close());

const me = async (target: FastifyInstance, s: SignedIn) => (await target.inject({ url: '/whoami', headers: s.headers })).json().user;

async function pendingRequest(email: string, name = 'Pat Person'): Promise<string> {
  const { rows } = await db.pool.query(
    `INSERT INTO access_requests (name, email, github_username, reason) VALUES ($1, $2, 'pat', 'Practising for interviews.') RETURNING id::text`,
    [name, email],
  );
  return rows[0].id;
}

describe('allowlist and roles', () => {
  it('lets in by id and by e-mail (case-insensitive); explicit admins are admins, others are not', async () => {
    expect(await me(app, await signIn(app, db, { id: ADMIN }))).toMatchObject({ id: ADMIN, isAdmin: true });
    expect(await me(app, await signIn(app, db, { id: MEMBER }))).toMatchObject({ id: MEMBER, isAdmin: false });
    expect(await me(app, await signIn(app, db, { email: 'listed@example.com' }))).toMatchObject({ isAdmin: false });
    expect(await me(app, await signIn(app, db, { email: 'stranger@example.com' }))).toBeNull();
  });

  it('without LIS_ADMIN_USER_IDS the allowlisted ids are the admins (the original fallback)', async () => {
    const fallback = await buildTestApp(db, { env: { LIS_ALLOWED_USER_IDS: MEMBER }, setup: whoami });
    expect(await me(fallback, await signIn(fallback, db, { id: MEMBER }))).toMatchObject({ isAdmin: true });
    expect(await me(fallback, await signIn(fallback, db, { email: 'x@example.com' }))).toBeNull();
    await fallback.close();
  });

  it('an approved request lets its person in by e-mail or by the account recorded on it; revoking ends it', async () => {
    const byEmail = await signIn(app, db, { email: 'approved.person@example.com' });
    expect(await me(app, byEmail)).toBeNull();
    const id = await pendingRequest('Approved.Person@example.com');
    await db.pool.query(`UPDATE access_requests SET status = 'approved', decided_at = now() WHERE id = $1`, [id]);
    expect(await me(app, byEmail)).toMatchObject({ email: 'approved.person@example.com', isAdmin: false });

    const byAccount = await signIn(app, db, { email: 'account@example.com' });
    await db.pool.query(
      `INSERT INTO access_requests (name, email, reason, user_id, status) VALUES ('Acc', 'typed-else@example.com', 'Practising.', $1, 'approved')`,
      [byAccount.user.id],
    );
    expect(await me(app, byAccount)).toMatchObject({ id: byAccount.user.id });

    // A pending or denied request does not let anyone in.
    const waiting = await signIn(app, db, { email: 'waiting@example.com' });
    await pendingRequest('waiting@example.com');
    expect(await me(app, waiting)).toBeNull();

    const admin = await signIn(app, db, { id: ADMIN });
    const revoke = await app.inject({ method: 'POST', url: `/admin/access-requests/${id}/revoke`, headers: { ...admin.headers, 'hx-request': 'true' } });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.body).toContain('revoked');
    expect(await me(app, byEmail)).toBeNull();
  });
});

describe('every /admin route is 404 to non-admins', () => {
  it('covers all registered /admin routes (enumerated from the app), for anonymous and signed-in non-admins', async () => {
    const routes = listRoutes(app).filter((r) => /^\/admin(\/|$)/.test(r.url));
    // The list comes from the app itself; make sure it saw the routes this area registers, so it cannot be empty.
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /admin', 'GET /admin/access-requests', 'GET /admin/users', 'POST /admin/access-requests/:id/decision']),
    );
    const requestId = await pendingRequest(`enumerated-${randomUUID()}@example.com`);
    const member = await signIn(app, db, { id: MEMBER });
    const anonymous = await csrfFor(app);
    const admin = await signIn(app, db, { id: ADMIN });
    for (const route of routes) {
      const url = route.url.replace(/:id\b/g, requestId).replace(/:[a-zA-Z]+/g, '1');
      for (const who of [
        { name: 'member', headers: member.headers },
        { name: 'member without CSRF', headers: { cookie: member.cookie } },
        { name: 'anonymous', headers: { cookie: anonymous.cookie, 'x-csrf-token': anonymous.csrf } },
      ]) {
        for (const extra of [{}, { 'hx-request': 'true' }]) {
          const res = await app.inject({ method: route.method as 'GET', url, headers: { ...who.headers, ...extra }, payload: route.method === 'GET' ? undefined : { decision: 'approved' } });
          expect(res.statusCode, `${route.method} ${url} as ${who.name}`).toBe(404);
        }
      }
      // ... while an admin's GET reaches the page (POSTs are exercised below).
      if (route.method === 'GET') expect((await app.inject({ url, headers: admin.headers })).statusCode, `GET ${url} as admin`).not.toBe(404);
    }
    // The request was not decided by any of those attempts.
    expect((await db.pool.query('SELECT status FROM access_requests WHERE id = $1', [requestId])).rows[0].status).toBe('pending');
  });

  it('HEAD requests and unknown /admin paths are 404 too', async () => {
    const member = await signIn(app, db, { id: MEMBER });
    expect((await app.inject({ method: 'HEAD', url: '/admin/users', headers: member.headers })).statusCode).toBe(404);
    expect((await app.inject({ url: '/admin/nothing-here', headers: member.headers })).statusCode).toBe(404);
  });
});

describe('deciding access requests', () => {
  it('lists pending first; approve needs a confirmation step and swaps the row in place', async () => {
    const older = await pendingRequest(`older-${randomUUID()}@example.com`, 'Older Pending');
    await db.pool.query(`UPDATE access_requests SET created_at = now() - interval '2 days' WHERE id = $1`, [older]);
    const decided = await pendingRequest(`decided-${randomUUID()}@example.com`, 'Already Denied');
    await db.pool.query(`UPDATE access_requests SET status = 'denied', decided_at = now() WHERE id = $1`, [decided]);
    const admin = await signIn(app, db, { id: ADMIN });

    const page = await app.inject({ url: '/admin/access-requests', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    const order = [...page.body.matchAll(/id="request-(\d+)"/g)].map((m) => m[1]);
    expect(order.indexOf(older)).toBeLessThan(order.indexOf(decided));
    expect(page.body).toContain(`hx-get="/admin/access-requests/${older}/confirm?decision=approved"`);

    const confirm = await app.inject({ url: `/admin/access-requests/${older}/confirm?decision=approved`, headers: { ...admin.headers, 'hx-request': 'true' } });
    expect(confirm.body).not.toContain('<html');
    expect(confirm.body).toContain('Confirm: approve');
    expect(confirm.body).toMatch(/name="_csrf" value="[^"]+"/);
    // Nothing changed by looking at the confirmation.
    expect((await db.pool.query('SELECT status FROM access_requests WHERE id = $1', [older])).rows[0].status).toBe('pending');

    const res = await app.inject({
      method: 'POST',
      url: `/admin/access-requests/${older}/decision`,
      headers: { ...admin.headers, 'hx-request': 'true' },
      payload: { decision: 'approved', note: 'Known from the meetup.' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(new RegExp(`^<li [^>]*id="request-${older}"`));
    expect(res.body).toContain('Approved by');
    expect(res.body).toContain('Known from the meetup.');
    const { rows } = await db.pool.query('SELECT status, decided_by, decided_at, decision_note FROM access_requests WHERE id = $1', [older]);
    expect(rows[0]).toMatchObject({ status: 'approved', decided_by: ADMIN, decision_note: 'Known from the meetup.' });
    expect(rows[0].decided_at).toBeInstanceOf(Date);

    // Deciding it again (another operator, a double click) is refused, and the first decision stands.
    const again = await app.inject({ method: 'POST', url: `/admin/access-requests/${older}/decision`, headers: admin.headers, payload: { decision: 'denied' } });
    expect(again.statusCode).toBe(409);
    expect((await db.pool.query('SELECT status FROM access_requests WHERE id = $1', [older])).rows[0].status).toBe('approved');
  });

  it('a note that is too long comes back in the confirmation as typed, with the reason beside it; CRLF counts once', async () => {
    const id = await pendingRequest(`note-${randomUUID()}@example.com`, 'Long Note');
    const admin = await signIn(app, db, { id: ADMIN });
    const tooLong = `${'n'.repeat(1000)}<b>`;
    for (const hx of [{ 'hx-request': 'true' }, {}]) {
      const res = await app.inject({ method: 'POST', url: `/admin/access-requests/${id}/decision`, headers: { ...admin.headers, ...hx }, payload: { decision: 'approved', note: tooLong } });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain(`${'n'.repeat(1000)}&lt;b&gt;</textarea>`);
      expect(res.body).toContain('A note is at most 1,000 characters.');
      expect(res.body).toContain('name="decision" value="approved"');
    }
    expect((await db.pool.query('SELECT status FROM access_requests WHERE id = $1', [id])).rows[0].status).toBe('pending');
    // 500 line breaks sent as CRLF are 1,000 characters to the browser's maxlength, and to us.
    const lines = Array(500).fill('a').join('\r\n');
    const ok = await app.inject({ method: 'POST', url: `/admin/access-requests/${id}/decision`, headers: admin.headers, payload: { decision: 'approved', note: lines } });
    expect(ok.statusCode).toBe(303);
    expect((await db.pool.query('SELECT decision_note FROM access_requests WHERE id = $1', [id])).rows[0].decision_note).toBe(Array(500).fill('a').join('\n'));
  });

  it('works without JavaScript: the confirmation is a page and the decision redirects back', async () => {
    const id = await pendingRequest(`nojs-${randomUUID()}@example.com`);
    const admin = await signIn(app, db, { id: ADMIN });
    const confirm = await app.inject({ url: `/admin/access-requests/${id}/confirm?decision=denied`, headers: admin.headers });
    expect(confirm.body).toContain('<html');
    expect(confirm.body).toContain('Confirm: deny');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.body)![1]!;
    const res = await app.inject({
      method: 'POST',
      url: `/admin/access-requests/${id}/decision`,
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, decision: 'denied', note: '' }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/access-requests');
    expect((await db.pool.query('SELECT status, decision_note FROM access_requests WHERE id = $1', [id])).rows[0]).toEqual({ status: 'denied', decision_note: null });
  });

  it('/admin/users says who has access and why', async () => {
    const admin = await signIn(app, db, { id: ADMIN, name: 'Ada Admin' });
    await signIn(app, db, { email: 'nobody.listed@example.com', name: 'Nora Nobody' });
    const page = await app.inject({ url: '/admin/users', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(ADMIN);
    expect(page.body).toContain('listed@example.com');
    expect(page.body).toMatch(/Ada Admin[\s\S]*?environment \(id\)[\s\S]*?admin/);
    expect(page.body).toMatch(/Nora Nobody[\s\S]*?no access/);
  });
});

describe('diagnostics routes', () => {
  const cases = [
    { env: { SENTRY_ENVIRONMENT: 'prod' }, enabled: false },
    { env: { SENTRY_ENVIRONMENT: 'prod', LIS_DIAGNOSTICS_ENABLED: '1' }, enabled: true },
    { env: { SENTRY_ENVIRONMENT: 'staging' }, enabled: true },
  ];
  it.each(cases)('$env: admins only, and only when enabled', async ({ env, enabled }) => {
    const target = await buildTestApp(db, { env: { ...env, LIS_ALLOWED_USER_IDS: `${ADMIN},${MEMBER}`, LIS_ADMIN_USER_IDS: ADMIN } });
    try {
      const admin = await signIn(target, db, { id: ADMIN });
      const member = await signIn(target, db, { id: MEMBER });
      for (const url of ['/__sentry/test', '/__claude/test']) {
        expect((await target.inject({ url })).statusCode, `${url} anonymous`).toBe(404);
        expect((await target.inject({ url, headers: member.headers })).statusCode, `${url} member`).toBe(404);
      }
      const sentry = await target.inject({ url: '/__sentry/test', headers: admin.headers });
      const claude = await target.inject({ url: '/__claude/test', headers: admin.headers });
      if (!enabled) {
        expect(sentry.statusCode).toBe(404);
        expect(claude.statusCode).toBe(404);
        return;
      }
      expect(sentry.statusCode).toBe(500); // the test error, raised on purpose and hidden behind a request id
      expect(sentry.body).toContain(sentry.headers['x-request-id'] as string);
      expect(claude.statusCode).toBe(200);
      // No key here: the offline path answers, and says so.
      expect(claude.json()).toMatchObject({ source: 'offline', answered: true });
      expect(claude.json().notice).toBeTruthy();
    } finally {
      await target.close();
    }
  });
});

describe('/__claude/test with a key', () => {
  it('sends a tiny prompt to the Anthropic API and reports the answer, tokens and cost', async () => {
    const fake = await startFakeAnthropic();
    const target = await buildTestApp(db, {
      env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, LIS_ALLOWED_USER_IDS: ADMIN, LIS_ADMIN_USER_IDS: ADMIN },
    });
    try {
      fake.script(anthropic.message({ text: 'Ready.' }));
      const admin = await signIn(target, db, { id: ADMIN });
      const res = await target.inject({ url: '/__claude/test', headers: admin.headers });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ source: 'llm', answered: true, text: 'Ready.', notice: null });
      expect(body.usage.outputTokens).toBeGreaterThan(0);
      expect(fake.requests).toHaveLength(1);
      const sent = fake.requests[0]!.headers;
      expect(sent['x-api-key'] ?? sent.authorization?.replace(/^Bearer /, '')).toBe(FAKE_ANTHROPIC_KEY);
    } finally {
      await target.close();
      await fake.close();
    }
  });
});
