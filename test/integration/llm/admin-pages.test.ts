/**
 * /admin/providers, /admin/usage and /account through the real app (real sign-in, CSRF, Postgres), with the
 * Anthropic fake behind the provider test button.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { buildTestApp } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { usageRow } from './helpers.js';

const db = useTestDatabase();
let fake: FakeAnthropic;
let app: FastifyInstance;
let admin: SignedIn;
let user: SignedIn;

const form = (who: SignedIn, fields: Record<string, string>, htmx = false) => ({
  headers: { ...who.headers, 'content-type': 'application/x-www-form-urlencoded', ...(htmx ? { 'hx-request': 'true' } : {}) },
  payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
});

beforeAll(async () => {
  fake = await startFakeAnthropic();
  app = await buildTestApp(db, {
    env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_DAILY_TOKEN_CAP: '5000', ANTHROPIC_DEFAULT_MODEL: 'claude-sonnet-4-5' },
  });
  admin = await signIn(app, db, { admin: true });
  user = await signIn(app, db, { email: 'learner@example.com' });
});
afterAll(async () => {
  await app.close();
  await fake.close();
});
beforeEach(() => fake.reset());

describe('/admin/providers', () => {
  it('is invisible to non-admins', async () => {
    expect((await app.inject({ url: '/admin/providers', headers: user.headers })).statusCode).toBe(404);
    expect((await app.inject({ url: '/admin/providers' })).statusCode).toBe(404);
    const post = await app.inject({ method: 'POST', url: '/admin/providers/test', ...form(user, { provider: 'anthropic' }) });
    expect(post.statusCode).toBe(404);
    expect(fake.requests).toHaveLength(0);
  });

  it("shows each provider's status, and for a disabled one the reason and the variable to set", async () => {
    const res = await app.inject({ url: '/admin/providers', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const row = (name: string) => res.body.slice(res.body.indexOf(`id="provider-${name}"`), res.body.indexOf('</tr>', res.body.indexOf(`id="provider-${name}"`)));
    expect(row('anthropic')).toContain('enabled');
    // A retired model configured on purpose: the page says so and names the replacement.
    expect(row('anthropic')).toContain('ANTHROPIC_DEFAULT_MODEL=claude-sonnet-4-5 was RETIRED by Anthropic on 2026-11-30');
    expect(row('anthropic')).toContain('Set ANTHROPIC_DEFAULT_MODEL=claude-sonnet-5-5');
    expect(row('openai-compatible')).toContain('disabled');
    expect(row('openai-compatible')).toContain('<code>OPENAI_COMPAT_BASE_URL</code>');
    expect(res.body).toContain('provider-check');
    expect(res.body).toContain('name="_csrf"');
  });

  it('the test button runs a tiny prompt through the chosen provider (htmx fragment)', async () => {
    fake.script(anthropic.message({ text: 'ready', usage: { input_tokens: 30, output_tokens: 2 } }));
    const res = await app.inject({ method: 'POST', url: '/admin/providers/test', ...form(admin, { provider: 'anthropic' }, true) });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain('answered');
    expect(res.body).toContain('30 in, 2 out');
    expect(fake.requests[0]!.body.model).toBe('claude-haiku-5-5');
    expect(fake.requests[0]!.body.messages[0].content).toContain('ready');
    // It is a real call: recorded, and charged to the admin's own budget.
    const { rows } = await db.pool.query(`SELECT feature, prompt_id, outcome FROM llm_calls WHERE user_id = $1`, [admin.user.id]);
    expect(rows).toContainEqual({ feature: 'provider_test', prompt_id: 'provider-check', outcome: 'ok' });
    expect((await usageRow(db.pool, admin.user.id))!.used).toBe(32);
  });

  it('testing a disabled provider falls back offline with a notice, without JavaScript too', async () => {
    const res = await app.inject({ method: 'POST', url: '/admin/providers/test', ...form(admin, { provider: 'openai-compatible' }) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html');
    expect(res.body).toContain('AI is not configured; showing the offline answer');
    expect(res.body).toContain('ready (offline)');
    // The page comes back whole, with a fresh CSRF token for the next submit.
    expect(res.body).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('an unknown provider is a 422 with the message beside the field', async () => {
    const res = await app.inject({ method: 'POST', url: '/admin/providers/test', ...form(admin, { provider: 'gpt-9000' }) });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('id="test-provider-error"');
    expect(res.body).toContain('aria-invalid="true"');
  });

  it('a POST without the CSRF token is refused', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/admin/providers/test',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'provider=anthropic',
    });
    expect(res.statusCode).toBe(403);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('/admin/usage and /account', () => {
  async function spend(tokens: number) {
    await db.pool.query(
      `INSERT INTO llm_daily_usage (user_id, day, used_tokens, cap_tokens, calls) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2, 5000, 3)
       ON CONFLICT (user_id, day) DO UPDATE SET used_tokens = EXCLUDED.used_tokens, calls = 3`,
      [user.user.id, tokens],
    );
  }

  it("the user sees today's usage against the cap, and when it resets", async () => {
    await spend(1250);
    const res = await app.inject({ url: '/account', headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('1,250 of 5,000 tokens used today');
    expect(res.body).toContain('3,750 tokens left');
    expect(res.body).toMatch(/Resets at 00:00 UTC \(in (\d+ h )?\d+ min\)/);
    expect(res.body).toContain('value="25"');
  });

  it('a visitor is sent to sign in', async () => {
    const res = await app.inject({ url: '/account' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Faccount');
  });

  it("the admin sees every user's usage; non-admins get 404", async () => {
    await spend(4000);
    expect((await app.inject({ url: '/admin/usage', headers: user.headers })).statusCode).toBe(404);
    const res = await app.inject({ url: '/admin/usage', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const row = res.body.slice(res.body.indexOf(`id="usage-${user.user.id}"`));
    expect(row).toContain('learner@example.com');
    expect(row).toContain('4,000');
  });

  it('the admin resets a user\'s day (htmx swaps the row)', async () => {
    await spend(5000);
    const res = await app.inject({ method: 'POST', url: `/admin/usage/${user.user.id}/reset`, ...form(admin, {}, true) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<tr id="usage-${user.user.id}">`);
    expect(res.body).toContain('Day reset');
    expect(await usageRow(db.pool, user.user.id)).toEqual({ used: 0, reserved: 0, calls: 0 });
  });

  it('the admin sets a per-user cap, which the user then sees; empty returns to the default', async () => {
    await spend(100);
    const set = await app.inject({ method: 'POST', url: `/admin/usage/${user.user.id}/cap`, ...form(admin, { cap: '800' }) });
    expect(set.statusCode).toBe(303);
    expect(set.headers.location).toBe('/admin/usage');
    const account = await app.inject({ url: '/account', headers: user.headers });
    expect(account.body).toContain('100 of 800 tokens used today');
    expect(account.body).toContain('set for you by the operator');

    const cleared = await app.inject({ method: 'POST', url: `/admin/usage/${user.user.id}/cap`, ...form(admin, { cap: '' }, true) });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.body).toContain('Cap saved');
    expect((await app.inject({ url: '/account', headers: user.headers })).body).toContain('100 of 5,000 tokens used today');
  });

  it('a bad cap comes back 422 with the typed value kept and the message beside the field', async () => {
    const res = await app.inject({ method: 'POST', url: `/admin/usage/${user.user.id}/cap`, ...form(admin, { cap: 'lots' }) });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('<html');
    expect(res.body).toContain('value="lots"');
    expect(res.body).toContain(`id="cap-error-${user.user.id}"`);
    expect(res.body).toContain('Enter a whole number of tokens');
    const htmx = await app.inject({ method: 'POST', url: `/admin/usage/${user.user.id}/cap`, ...form(admin, { cap: '-5' }, true) });
    expect(htmx.statusCode).toBe(422);
    expect(htmx.body).not.toContain('<html');
    expect(htmx.body).toContain('value="-5"');
  });

  it('an unknown or malformed user id is a 404', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/admin/usage/00000000-0000-4000-8000-00000000abcd/reset', ...form(admin, {}) });
    expect(unknown.statusCode).toBe(404);
    const bad = await app.inject({ method: 'POST', url: '/admin/usage/not-a-uuid/cap', ...form(admin, { cap: '1' }) });
    expect(bad.statusCode).toBe(404);
  });
});
