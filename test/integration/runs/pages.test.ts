/**
 * The run pages through the real app: owner-or-admin access (404 for everyone else), live fragments that stop
 * polling once the run is terminal, the kind-specific result slot, cancel with CSRF, and /admin/workers.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { claimRuns, setProgress } from '../../../src/runs/lease-queries.js';
import { completeRuns } from '../../../src/runs/completion-queries.js';
import { getRun } from '../../../src/runs/queries.js';
import { registerWorker } from '../../../src/runs/worker-queries.js';
import { buildTestApp } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
let alice: SignedIn;
let bob: SignedIn;
let admin: SignedIn;

beforeAll(async () => {
  app = await buildTestApp(db);
  alice = await signIn(app, db, { name: 'Alice' });
  bob = await signIn(app, db, { name: 'Bob' });
  admin = await signIn(app, db, { admin: true });
});
afterAll(() => app.close());

const get = (url: string, who?: SignedIn, extra: Record<string, string> = {}) =>
  app.inject({ url, headers: { ...(who ? { cookie: who.cookie } : {}), ...extra } });

/** Claims the given run as a pretend worker and finishes it with a result (the worker path, minus the process). */
async function finish(id: string, result: unknown): Promise<void> {
  const claimed = await claimRuns(db.pool, { workerId: 'page-test', kinds: ['noop', 'sleep'], limit: 50, leaseMs: 60_000 });
  const mine = claimed.find((c) => c.id === id)!;
  await completeRuns(db.pool, 'page-test', [{ id, attempt: mine.attempt, result, expectsItems: false, inconclusiveReason: null }]);
}

describe('/runs', () => {
  it('sends visitors to sign in', async () => {
    const res = await get('/runs');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?next=%2Fruns/);
  });

  it('lists my runs only, newest first; admins see everyone\'s', async () => {
    const a1 = await enqueueRun(db.pool, { kind: 'noop', ownerId: alice.user.id, payload: {} });
    const a2 = await enqueueRun(db.pool, { kind: 'sleep', ownerId: alice.user.id, payload: {} });
    const b1 = await enqueueRun(db.pool, { kind: 'noop', ownerId: bob.user.id, payload: {} });
    const res = await get('/runs', alice);
    expect(res.statusCode).toBe(200);
    const order = [...res.body.matchAll(/data-run-id="(\d+)"/g)].map((m) => m[1]);
    expect(order).toEqual([a2.id, a1.id]);
    // Something is active, so the list polls itself.
    expect(res.body).toContain('hx-trigger="every 1s"');
    const all = await get('/runs', admin);
    expect([...all.body.matchAll(/data-run-id="(\d+)"/g)].map((m) => m[1])).toEqual(expect.arrayContaining([a1.id, a2.id, b1.id]));
    expect(all.body).toContain(bob.user.id);
  });

  it('shows an empty state, and rejects a malformed page cursor', async () => {
    const carol = await signIn(app, db, { name: 'Carol' });
    const res = await get('/runs', carol);
    expect(res.body).toContain('No runs yet');
    expect(res.body).not.toContain('hx-trigger="every 1s"');
    expect((await get('/runs?before=abc', carol)).statusCode).toBe(400);
  });
});

describe('/runs/:id', () => {
  it('is for the owner and admins; anyone else gets a 404', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'noop', ownerId: alice.user.id, payload: {} });
    expect((await get(`/runs/${id}`, alice)).statusCode).toBe(200);
    expect((await get(`/runs/${id}`, admin)).statusCode).toBe(200);
    expect((await get(`/runs/${id}`, bob)).statusCode).toBe(404);
    expect((await get(`/runs/${id}/status`, bob, { 'hx-request': 'true' })).statusCode).toBe(404);
    expect((await get('/runs/not-a-number', alice)).statusCode).toBe(404);
  });

  it('polls while active and stops once terminal, then shows the result slot', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: alice.user.id, payload: {}, priority: -50 });
    const [claimed] = await claimRuns(db.pool, { workerId: 'page-test', kinds: ['sleep'], limit: 1, leaseMs: 60_000 });
    expect(claimed!.id).toBe(id);
    await setProgress(db.pool, { id, attempt: 1, workerId: 'page-test' }, { done: 3, total: 4, message: 'Step 3 of 4' });
    let res = await get(`/runs/${id}/status`, alice, { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain(`hx-get="/runs/${id}/status" hx-trigger="every 1s"`);
    expect(res.body).toContain('value="75"');
    expect(res.body).toContain('Step 3 of 4');
    expect(res.body).toContain('Cancel run');

    await completeRuns(db.pool, 'page-test', [
      { id, attempt: 1, result: { slept_ms: 40, steps: 4, resumed: 0 }, expectsItems: false, inconclusiveReason: null },
    ]);
    res = await get(`/runs/${id}/status`, alice, { 'hx-request': 'true' });
    expect(res.body).not.toContain('hx-trigger');
    expect(res.body).toContain('data-status="succeeded"');
    // The sleep kind has its own partial (views/partials/runs/result-sleep.njk).
    expect(res.body).toContain('Slept 40 ms in 4 steps');
    expect(res.body).not.toContain('Cancel run');
  });

  it('falls back to escaped JSON for kinds without a result partial', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'noop', ownerId: alice.user.id, payload: {} });
    await finish(id, { note: '<script>alert(1)</script>' });
    const res = await get(`/runs/${id}`, alice);
    expect(res.body).toContain('<pre data-run-result>');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>alert(1)</script>');
  });
});

describe('cancel', () => {
  it('needs the CSRF token, and the owner (or an admin)', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'noop', ownerId: alice.user.id, payload: {}, runAt: new Date(Date.now() + 3_600_000) });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const noToken = await app.inject({ method: 'POST', url: `/runs/${id}/cancel`, headers: { cookie: alice.cookie, ...form }, payload: '' });
    expect(noToken.statusCode).toBe(403);
    const byBob = await app.inject({
      method: 'POST',
      url: `/runs/${id}/cancel`,
      headers: { cookie: bob.cookie, ...form },
      payload: `_csrf=${encodeURIComponent(bob.csrf)}`,
    });
    expect(byBob.statusCode).toBe(404);
    expect((await getRun(db.pool, id))!.status).toBe('queued');

    const res = await app.inject({
      method: 'POST',
      url: `/runs/${id}/cancel`,
      headers: { cookie: alice.cookie, ...form },
      payload: `_csrf=${encodeURIComponent(alice.csrf)}`,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/runs/${id}`);
    expect((await getRun(db.pool, id))!.status).toBe('canceled');
  });

  it('answers htmx with the fresh fragment', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'noop', ownerId: bob.user.id, payload: {}, runAt: new Date(Date.now() + 3_600_000) });
    const res = await app.inject({ method: 'POST', url: `/runs/${id}/cancel`, headers: { ...admin.headers, 'hx-request': 'true' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-status="canceled"');
    expect(res.body).toContain('Canceled before it started');
  });
});

describe('demo run', () => {
  it('starts one live demo per user and opens its page', async () => {
    const first = await app.inject({ method: 'POST', url: '/runs/demo', headers: alice.headers });
    expect(first.statusCode).toBe(303);
    const second = await app.inject({ method: 'POST', url: '/runs/demo', headers: alice.headers });
    expect(second.headers.location).toBe(first.headers.location);
    const id = first.headers.location!.toString().split('/').pop()!;
    expect(await getRun(db.pool, id)).toMatchObject({ kind: 'sleep', ownerId: alice.user.id, status: 'queued' });
  });
});

describe('/admin/workers', () => {
  it('is admin-only and shows live workers with what they hold, and the queue depth', async () => {
    expect((await get('/admin/workers', alice)).statusCode).toBe(404);
    await registerWorker(db.pool, { workerId: 'host-a:42:abc', host: 'host-a', pid: 42, version: '9.9.9', kinds: ['noop'], concurrency: 3, livenessKey: 7 });
    const { id } = await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: {}, priority: -100 });
    await claimRuns(db.pool, { workerId: 'host-a:42:abc', kinds: ['noop'], limit: 1, leaseMs: 60_000 });
    const res = await get('/admin/workers', admin);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('host-a · pid 42');
    expect(res.body).toContain(`href="/runs/${id}"`);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM runs WHERE status = 'running'`);
    expect(res.body).toContain(`data-depth="running">${rows[0].n}<`);
    const frag = await get('/admin/workers/status', admin, { 'hx-request': 'true' });
    expect(frag.body).toContain('hx-trigger="every 2s"');
  });
});
