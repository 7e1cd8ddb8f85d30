/**
 * /request-access: validation that keeps input, the honeypot, merging duplicates, the per-IP limit, and the operator
 * e-mail through the real `resend` SDK to a fake Resend. The row is the source of truth even when Resend is down.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAIL_USER_AGENT } from '../../../src/access/notify.js';
import { buildTestApp } from '../../helpers/app.js';
import { csrfFor, signIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { startFakeResend, type FakeResend } from '../../fakes/resend.js';

const db = useTestDatabase();
let resend: FakeResend;
let app: FastifyInstance;
let ipCounter = 1;

beforeAll(async () => {
  resend = await startFakeResend();
  app = await buildTestApp(db, {
    env: { RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: resend.url, OPERATOR_NOTIFY_EMAIL: 'operator@example.com', OPERATOR_NOTIFY_FROM: 'Bench <bench@example.com>' },
  });
});
afterAll(async () => {
  await app?.close();
  await resend?.close();
});
beforeEach(() => {
  resend.mode = 'ok';
  resend.emails.length = 0;
});

/** Posts the form as a browser would (urlencoded, CSRF field), from its own IP unless told otherwise. */
async function submit(target: FastifyInstance, fields: Record<string, string>, ip = `198.51.100.${ipCounter++}`) {
  const { cookie, csrf } = await csrfFor(target);
  return target.inject({
    method: 'POST',
    url: '/request-access',
    remoteAddress: ip,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, website: '', ...fields }).toString(),
  });
}

const rowsFor = async (email: string) =>
  (await db.pool.query('SELECT * FROM access_requests WHERE lower(email) = lower($1) ORDER BY id', [email])).rows;

const good = { name: 'Dana Doe', email: 'dana@example.com', github: '@dana-d', reason: 'I am preparing for research engineer interviews.' };

describe('request access', () => {
  it('shows the form with a CSRF field and a hidden honeypot', async () => {
    const res = await app.inject('/request-access');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/name="_csrf" value="[^"]+"/);
    expect(res.body).toMatch(/class="hp" aria-hidden="true"[\s\S]*name="website"[^>]*tabindex="-1"/);
  });

  it('a bad field comes back 422 with the message beside it and everything typed kept', async () => {
    const res = await submit(app, { name: 'Eve <b>', email: 'not-an-email', github: 'bad--name', reason: 'short' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="f-email"[^>]*aria-invalid="true"[\s\S]{0,200}class="field-error" id="f-email-error">Enter an e-mail address/);
    expect(res.body).toContain('GitHub usernames are letters');
    expect(res.body).toContain('at least 10 characters');
    expect(res.body).toContain('value="Eve &lt;b&gt;"'); // kept, and escaped
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain('>short</textarea>');
    expect(await rowsFor('not-an-email')).toHaveLength(0);
  });

  it('the re-rendered form carries a working CSRF token, so fixing the field and resending succeeds', async () => {
    const { cookie, csrf } = await csrfFor(app);
    const post = (token: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/request-access',
        remoteAddress: `198.51.100.${ipCounter++}`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, website: '', ...good, ...fields }).toString(),
      });
    const bad = await post(csrf, { email: 'fix.me@' });
    expect(bad.statusCode).toBe(422);
    const again = /name="_csrf" value="([^"]+)"/.exec(bad.body)?.[1];
    expect(again).toBeTruthy();
    expect((await post(again!, { email: 'fix.me@example.com' })).statusCode).toBe(200);
    expect(await rowsFor('fix.me@example.com')).toHaveLength(1);
  });

  it('saves the request and e-mails the operator through Resend with an explicit User-Agent', async () => {
    const res = await submit(app, good);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('your request is in');
    const [row] = await rowsFor(good.email);
    expect(row).toMatchObject({ name: 'Dana Doe', github_username: 'dana-d', status: 'pending', times_requested: 1, user_id: null });
    expect(row.operator_notified_at).not.toBeNull();

    expect(resend.emails).toHaveLength(1);
    const mail = resend.emails[0]!;
    expect(mail.headers['user-agent']).toBe(MAIL_USER_AGENT);
    expect(mail.headers.authorization).toBe('Bearer re_test_key');
    expect(mail.headers['idempotency-key']).toBe(`access-request-${row.id}-operator`);
    expect(mail.body).toMatchObject({ to: ['operator@example.com'], from: 'Bench <bench@example.com>' });
    expect(mail.body.subject).toContain('Dana Doe');
    expect(mail.body.text).toContain(good.reason);
    expect(mail.body.text).toContain('http://localhost:80/admin/access-requests');
  });

  it('merges a second pending request from the same e-mail instead of adding one, and does not e-mail twice', async () => {
    const email = 'merge.me@example.com';
    await submit(app, { ...good, email });
    const again = await submit(app, { ...good, email: 'Merge.Me@Example.com', reason: 'Asking again with more detail.' });
    expect(again.body).toContain('updated that request');
    const rows = await rowsFor(email);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ times_requested: 2, reason: 'Asking again with more detail.' });
    expect(resend.emails.filter((m) => m.body.text?.includes(email) || m.body.subject.includes('Dana'))).toHaveLength(1);
  });

  it('drops a submission whose honeypot is filled, saying nothing to the bot', async () => {
    const res = await submit(app, { ...good, email: 'bot@example.com', website: 'http://spam.example.com' });
    expect(res.statusCode).toBe(200);
    expect(await rowsFor('bot@example.com')).toHaveLength(0);
    expect(resend.emails).toHaveLength(0);
  });

  it('with Resend failing, the request is still saved, the operator sees it, and a later duplicate retries the e-mail', async () => {
    resend.mode = 500;
    const email = 'resend.down@example.com';
    const res = await submit(app, { ...good, email });
    expect(res.statusCode).toBe(200);
    const [row] = await rowsFor(email);
    expect(row).toMatchObject({ status: 'pending', operator_notified_at: null });

    const admin = await signIn(app, db, { admin: true });
    const page = await app.inject({ url: '/admin/access-requests', headers: admin.headers });
    expect(page.body).toMatch(new RegExp(`id="request-${row.id}"[\\s\\S]*${email.replace('.', '\\.')}[\\s\\S]*operator e-mail not sent`));

    resend.mode = 'ok';
    await submit(app, { ...good, email });
    expect(resend.emails).toHaveLength(1);
    expect((await rowsFor(email))[0].operator_notified_at).not.toBeNull();
  });

  it('with Resend unreachable or no key at all, the request is still saved', async () => {
    const dead = await startFakeResend();
    await dead.close();
    for (const env of [{ RESEND_API_KEY: 're_x', RESEND_BASE_URL: dead.url, OPERATOR_NOTIFY_EMAIL: 'operator@example.com' }, {}]) {
      const other = await buildTestApp(db, { env });
      const email = `saved-${Object.keys(env).length}@example.com`;
      const res = await submit(other, { ...good, email });
      expect(res.statusCode).toBe(200);
      expect(await rowsFor(email)).toHaveLength(1);
      await other.close();
    }
  });

  const postSignedIn = (target: FastifyInstance, s: { headers: Record<string, string> }, fields: Record<string, string>) =>
    target.inject({
      method: 'POST',
      url: '/request-access',
      remoteAddress: `198.51.100.${ipCounter++}`,
      headers: { ...s.headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ website: '', ...fields }).toString(),
    });

  it('links the request to the signed-in account only when the account has that e-mail', async () => {
    const listed = await buildTestApp(db, { env: { LIS_ALLOWED_EMAILS: 'someone-else@example.com' } });
    const s = await signIn(listed, db, { email: 'Signed.In@example.com' });
    expect((await postSignedIn(listed, s, { ...good, email: 'signed.in@example.com' })).statusCode).toBe(200);
    expect((await rowsFor('signed.in@example.com'))[0].user_id).toBe(s.user.id);
    // Another address typed while signed in: saved, but not linked to this account.
    expect((await postSignedIn(listed, s, { ...good, email: 'different@example.com' })).statusCode).toBe(200);
    expect((await rowsFor('different@example.com'))[0].user_id).toBeNull();
    await listed.close();
  });

  it("nobody can slip their own account into someone else's pending request", async () => {
    const listed = await buildTestApp(db, { env: { LIS_ALLOWED_EMAILS: 'someone-else@example.com' } });
    const alice = await signIn(listed, db, { email: 'alice@example.com' });
    const mallory = await signIn(listed, db, { email: 'mallory@example.com' });
    await postSignedIn(listed, alice, { ...good, name: 'Alice', email: 'alice@example.com', reason: 'Alice wants to practise ML coding.' });
    const res = await postSignedIn(listed, mallory, { ...good, name: 'Alice A.', email: 'ALICE@example.com', reason: 'Mallory rewrote this request.' });
    expect(res.statusCode).toBe(200);
    expect(await submit(listed, { ...good, name: 'Anonymous', email: 'alice@example.com', reason: 'An anonymous rewrite of it.' })).toHaveProperty('statusCode', 200);
    const rows = await rowsFor('alice@example.com');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: alice.user.id, name: 'Alice', reason: 'Alice wants to practise ML coding.', times_requested: 3 });
    await listed.close();
  });

  it('limits accepted requests per IP, keeping what was typed when the limit is reached', async () => {
    const ip = '203.0.113.77';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await submit(app, { ...good, email: `flood${i}@example.com` }, ip)).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(await rowsFor('flood10@example.com')).toHaveLength(0);
    const limited = await submit(app, { ...good, name: 'Kept Name', email: 'kept@example.com', reason: 'This text must survive the limit.' }, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body).toMatch(/Try again in \d+ minutes?; what you typed is kept below/);
    for (const kept of ['value="Kept Name"', 'value="kept@example.com"', 'This text must survive the limit.']) expect(limited.body).toContain(kept);
    // Someone else is not affected.
    expect((await submit(app, { ...good, email: 'other.ip@example.com' })).statusCode).toBe(200);
  });

  it('refused submissions do not count toward that limit; a coarse limit still stops hammering', async () => {
    const ip = '203.0.113.78';
    for (let i = 0; i < 15; i++) expect((await submit(app, { ...good, email: 'not-an-email' }, ip)).statusCode).toBe(422);
    expect((await submit(app, { ...good, email: 'after.typos@example.com' }, ip)).statusCode).toBe(200);
    // 16 posts so far; the coarse guard counts every POST, accepted or not, up to RATE_LIMITS.requestAccess.max.
    const statuses: number[] = [];
    for (let i = 17; i <= 61; i++) statuses.push((await submit(app, { ...good, email: 'x' }, ip)).statusCode);
    expect(statuses.at(-2)).toBe(422);
    expect(statuses.at(-1)).toBe(429);
  });

  it('refuses a POST without a CSRF token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/request-access',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...good, email: 'nocsrf@example.com' }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(await rowsFor('nocsrf@example.com')).toHaveLength(0);
  });
});
