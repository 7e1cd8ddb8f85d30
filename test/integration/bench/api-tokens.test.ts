/**
 * Personal API tokens through real HTTP (app.inject) against a real database: created on the account page and shown
 * once, accepted as a bearer credential by the benchmark API without a CSRF token, refused with a reason when
 * missing, unknown, malformed or revoked, and never written to the log.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { loadAppSecrets } from '../../../src/auth/secrets.js';
import { buildTestApp, testConfig } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
let admin: SignedIn;
let logText = '';

beforeAll(async () => {
  // The real app with its real logger at the most verbose level, writing into a string the last test searches.
  const stream = new Writable({ write: (chunk, _enc, done) => void ((logText += chunk.toString()), done()) });
  app = await buildApp({ config: testConfig(db), pool: db.pool, secrets: await loadAppSecrets(db.pool), logger: { level: 'trace', stream } });
  await app.ready();
  admin = await signIn(app, db, { admin: true });
});
afterAll(async () => {
  await app?.close();
});

/** Creates a token on the account page, as a browser would, and reads it from the one response that shows it. */
async function createToken(user: SignedIn, name: string): Promise<{ token: string; html: string; status: number; cacheControl: unknown }> {
  const res = await app.inject({ method: 'POST', url: '/account/tokens', headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: user.csrf, name }).toString() });
  const token = /id="new-api-token" readonly value="([^"]+)"/.exec(res.body)?.[1] ?? '';
  return { token, html: res.body, status: res.statusCode, cacheControl: res.headers['cache-control'] };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const body = { models: ['offline/offline'], kinds: ['numeric'], count: 2, seed: 'tokens' };

let token = '';
let runId = '';

describe('a personal API token', () => {
  it('is created on the account page, shown once with no-store, and stored only as its SHA-256', async () => {
    const created = await createToken(admin, 'laptop CLI');
    expect(created.status).toBe(200);
    expect(created.token).toMatch(/^bench_pat_[A-Za-z0-9_-]{43}$/);
    expect(created.cacheControl).toBe('no-store');
    token = created.token;
    const { rows } = await db.pool.query(`SELECT name, encode(token_hash, 'hex') AS hash, last_used_at FROM api_tokens`);
    const { createHash } = await import('node:crypto');
    expect(rows).toEqual([{ name: 'laptop CLI', hash: createHash('sha256').update(token).digest('hex'), last_used_at: null }]);
    const again = await app.inject({ url: '/account', headers: { cookie: admin.cookie } });
    expect(again.body).toContain('laptop CLI');
    expect(again.body).not.toContain(token);
    expect(again.body).toMatch(/never/);
  });

  it('a token without a name is refused beside the field, and nothing is stored', async () => {
    const res = await createToken(admin, '   ');
    expect(res.status).toBe(400);
    expect(res.html).toContain('id="f-token-name-error"');
    expect(res.html).toContain('Give the token a name');
    expect(res.token).toBe('');
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM api_tokens');
    expect(rows[0].n).toBe(1);
  });

  it('creates a run with no cookie and no CSRF token, then reads it and its items', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/bench/runs', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(201);
    runId = res.json().runs[0].id;
    const { rows } = await db.pool.query('SELECT owner_id FROM bench_runs WHERE id = $1', [runId]);
    expect(rows[0].owner_id).toBe(admin.user.id);

    const summary = await app.inject({ url: `/api/bench/runs/${runId}`, headers: bearer(token) });
    expect(summary.statusCode).toBe(200);
    expect(summary.json()).toMatchObject({ id: runId, status: 'queued', seed: 'tokens', items: 2 });
    const items = await app.inject({ url: `/api/bench/runs/${runId}/items`, headers: bearer(token) });
    expect(items.statusCode).toBe(200);
    expect(items.headers['content-type']).toMatch(/^application\/x-ndjson/);

    const used = await db.pool.query('SELECT last_used_at FROM api_tokens');
    expect(used.rows[0].last_used_at).toBeInstanceOf(Date);
    const page = await app.inject({ url: '/account', headers: { cookie: admin.cookie } });
    expect(page.body).not.toMatch(/<td>never<\/td>/);
  });

  it('streams the items as JSONL, one line per (item, sample), across pages', async () => {
    // Fixture rows written straight into the table: 450 (item, sample) pairs cross the stream's 200-row pages twice.
    await db.pool.query(
      `INSERT INTO bench_items (bench_run_id, item_id, sample, item_hash, kind, topic, prompt_id, prompt_version, prompt, response, verdict, run_attempt)
       SELECT $1, 'item-' || lpad((n / 3)::text, 3, '0'), n % 3, 'h', 'numeric', 'probability', 'bench-numeric', '1', 'p', 'line ' || n || E'\nwith a newline', 'correct', 1
       FROM generate_series(0, 449) n`,
      [runId],
    );
    const res = await app.inject({ url: `/api/bench/runs/${runId}/items`, headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.body.endsWith('\n')).toBe(true);
    const lines = res.body.slice(0, -1).split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(450);
    expect(new Set(lines.map((l) => `${l.itemId}#${l.sample}`)).size).toBe(450);
    expect(lines[0]).toMatchObject({ itemId: 'item-000', sample: 0, response: 'line 0\nwith a newline' });
    expect(lines.at(-1)).toMatchObject({ itemId: 'item-149', sample: 2 });
    await db.pool.query('DELETE FROM bench_items WHERE bench_run_id = $1', [runId]);
  });

  it('answers bad input with 400 naming the field, as the form does', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/bench/runs', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: { ...body, samples: 50 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad_request', field: 'samples', message: 'must be at most 20' });
  });

  it('a cookie request still needs its CSRF token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/bench/runs', headers: { cookie: admin.cookie, 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(403);
  });

  it('is refused with a reason when missing, malformed or unknown', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /API token as "Authorization: Bearer <token>"/],
      [{ authorization: 'Basic abc' }, /must be "Bearer <token>"/],
      [bearer('ghp_something'), /Not a Bench API token/],
      [bearer(`bench_pat_${'A'.repeat(43)}`), /Unknown API token/],
    ];
    for (const [headers, reason] of cases) {
      const res = await app.inject({ url: `/api/bench/runs/${runId}`, headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json().error.message).toMatch(reason);
    }
  });

  it("a user without benchmark access gets 404 for another user's run, and cannot create one", async () => {
    const other = await signIn(app, db, { name: 'Second user' });
    const { token: theirs } = await createToken(other, 'theirs');
    expect(theirs).toMatch(/^bench_pat_/);
    const read = await app.inject({ url: `/api/bench/runs/${runId}`, headers: bearer(theirs) });
    expect(read.statusCode).toBe(404);
    const items = await app.inject({ url: `/api/bench/runs/${runId}/items`, headers: bearer(theirs) });
    expect(items.statusCode).toBe(404);
    const create = await app.inject({ method: 'POST', url: '/api/bench/runs', headers: { ...bearer(theirs), 'content-type': 'application/json' }, payload: body });
    expect(create.statusCode).toBe(404);
    // Their token list does not show the admin's token, and they cannot revoke it.
    const { rows } = await db.pool.query(`SELECT id::text FROM api_tokens WHERE name = 'laptop CLI'`);
    const revoke = await app.inject({ method: 'POST', url: `/account/tokens/${rows[0].id}/revoke`, headers: { cookie: other.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(other.csrf)}` });
    expect(revoke.statusCode).toBe(404);
    expect((await app.inject({ url: `/api/bench/runs/${runId}`, headers: bearer(token) })).statusCode).toBe(200);
  });

  it('stops working once its owner is no longer allowed on this Bench', async () => {
    const other = await signIn(app, db, { name: 'Allowlisted admin' });
    const { token: theirs } = await createToken(other, 'admin by id');
    const allowed = await buildTestApp(db, { env: { LIS_ALLOWED_USER_IDS: other.user.id } });
    const removed = await buildTestApp(db, { env: { LIS_ALLOWED_USER_IDS: admin.user.id.replace(/.$/, '9') } });
    try {
      // Allowlisted ids are the admins when no admin ids are set: the token sees the run.
      expect((await allowed.inject({ url: `/api/bench/runs/${runId}`, headers: bearer(theirs) })).statusCode).toBe(200);
      const res = await removed.inject({ url: `/api/bench/runs/${runId}`, headers: bearer(theirs) });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.message).toMatch(/no longer allowed/);
    } finally {
      await allowed.close();
      await removed.close();
    }
  });

  it('is revoked on the account page, and then refused with 401 saying so', async () => {
    const { rows } = await db.pool.query(`SELECT id::text FROM api_tokens WHERE name = 'laptop CLI'`);
    const res = await app.inject({ method: 'POST', url: `/account/tokens/${rows[0].id}/revoke`, headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(admin.csrf)}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account#api-tokens');
    const refused = await app.inject({ method: 'POST', url: '/api/bench/runs', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: body });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toMatch(/^This API token was revoked on \d{4}-\d{2}-\d{2}\.$/);
    const page = await app.inject({ url: '/account', headers: { cookie: admin.cookie } });
    expect(page.body).toMatch(/revoked <time/);
  });

  it('never reached the log, while the requests that carried it did', async () => {
    expect(logText).toContain('/api/bench/runs');
    expect(logText).toContain('This API token was revoked');
    expect(token.length).toBeGreaterThan(40);
    expect(logText).not.toContain(token);
    expect(logText).not.toContain(token.slice('bench_pat_'.length));
  });
});
