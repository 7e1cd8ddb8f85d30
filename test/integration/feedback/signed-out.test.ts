/**
 * Feedback from signed-out visitors: the footer link on a signed-out page, the form, the row saved without a user
 * and shown to the operator as a visitor's; the honeypot dropping a bot's message behind the same thank-you page; and
 * the per-IP limit on accepted messages, which keeps what was typed and does not touch another address. Its own app,
 * so the per-IP counters start empty.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNED_OUT_FEEDBACK } from '../../../src/feedback/routes.js';
import { buildTestApp } from '../../helpers/app.js';
import { csrfFor, signIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp(db);
});
afterAll(async () => {
  await app?.close();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const count = async () => Number((await db.pool.query('SELECT count(*) FROM feedback')).rows[0].count);

async function send(fields: Record<string, string>, remoteAddress = '127.0.0.1') {
  const visitor = await csrfFor(app);
  return app.inject({
    method: 'POST',
    url: '/feedback',
    remoteAddress,
    headers: { cookie: visitor.cookie, ...FORM },
    payload: new URLSearchParams({ _csrf: visitor.csrf, ...fields }).toString(),
  });
}

describe('feedback from a signed-out visitor', () => {
  it('is linked from a signed-out page, and the form has the honeypot field', async () => {
    const login = await app.inject({ url: '/login' });
    expect(login.body).toContain('href="/feedback?from=%2Flogin"');
    const page = await app.inject({ url: '/feedback?from=%2Flogin' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="page" value="/login"');
    expect(page.body).toContain('you are not signed in');
    expect(page.body).toMatch(/<div class="hp" aria-hidden="true">[\s\S]*name="website" value="" tabindex="-1"/);
  });

  it('saves the message without a user; the operator sees it as a visitor’s', async () => {
    const bad = await send({ kind: 'bug', message: 'hm', page: '/login' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('>hm</textarea>');
    const ok = await send({ kind: 'question', message: 'How do I get an account?', page: '/login', website: '' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Your feedback is saved');
    const { rows } = await db.pool.query('SELECT user_id, signed_out, message FROM feedback ORDER BY id DESC LIMIT 1');
    expect(rows[0]).toEqual({ user_id: null, signed_out: true, message: 'How do I get an account?' });
    const admin = await signIn(app, db, { admin: true });
    const list = await app.inject({ url: '/admin/feedback', headers: admin.headers });
    expect(list.body).toMatch(/<strong>a signed-out visitor<\/strong>/);
  });

  it('drops a message whose honeypot is filled, behind the same thank-you page', async () => {
    const before = await count();
    const res = await send({ kind: 'idea', message: 'Buy cheap watches at our site', page: '/', website: 'https://spam.example.com' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your feedback is saved');
    expect(await count()).toBe(before);
  });

  it('limits accepted messages per IP, keeping what was typed; another address is not affected', async () => {
    const ip = '127.0.0.9';
    for (let i = 1; i <= SIGNED_OUT_FEEDBACK.max; i++) expect((await send({ kind: 'other', message: `Message number ${i}` }, ip)).statusCode).toBe(200);
    const before = await count();
    const limited = await send({ kind: 'other', message: 'One too many <b>now</b>' }, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.body).toContain(`This network has sent ${SIGNED_OUT_FEEDBACK.max} messages without signing in`);
    expect(limited.body).toContain('>One too many &lt;b&gt;now&lt;/b&gt;</textarea>');
    expect(await count()).toBe(before);
    expect((await send({ kind: 'other', message: 'From somewhere else' }, '127.0.0.10')).statusCode).toBe(200);
  });

  it('signed-in users are not held to the signed-out limit', async () => {
    const user = await signIn(app, db);
    const res = await app.inject({
      method: 'POST',
      url: '/feedback',
      remoteAddress: '127.0.0.9',
      headers: { ...user.headers, ...FORM },
      payload: new URLSearchParams({ _csrf: user.csrf, kind: 'bug', message: 'Signed in, same network.' }).toString(),
    });
    expect(res.statusCode).toBe(200);
  });
});
