/**
 * Benchmark access for users who are not admins: 404 without a grant, the whole feature with one, runs seen only
 * by their owner (and admins), and the grant given and taken back on /admin/bench-access.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canBenchmark } from '../../../src/bench/access.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { benchApp, createViaApi } from './helpers.js';

const db = useTestDatabase();
let app: FastifyInstance;
let admin: SignedIn;
let member: SignedIn;
let other: SignedIn;

beforeAll(async () => {
  app = await benchApp(db, {});
  admin = await signIn(app, db, { admin: true });
  member = await signIn(app, db);
  other = await signIn(app, db);
});
afterAll(async () => {
  await app?.close();
});

const get = (user: SignedIn, url: string) => app.inject({ url, headers: { cookie: user.cookie } });
const grant = (action: 'grant' | 'revoke', user: SignedIn, as = admin) =>
  app.inject({ method: 'POST', url: `/admin/bench-access/${user.user.id}/${action}`, headers: { cookie: as.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(as.csrf)}` });

async function hidden(user: SignedIn): Promise<void> {
  for (const url of ['/bench', '/bench/new', '/bench/datasets', '/api/bench/datasets', '/api/bench/runs/1']) {
    expect((await get(user, url)).statusCode, url).toBe(404);
  }
  expect((await createViaApi(app, user, { models: ['offline/offline'] })).status).toBe(404);
  const imported = await app.inject({ method: 'POST', url: '/api/bench/datasets', headers: { ...user.headers, 'content-type': 'application/json' }, payload: { name: 'x', shape: 'numeric', jsonl: '{"question": "q", "answer": 1}' } });
  expect(imported.statusCode).toBe(404);
}

describe('benchmark access', () => {
  it('a member without access gets 404 everywhere, and cannot grant it to themselves', async () => {
    await hidden(member);
    expect(await canBenchmark(db.pool, member.user)).toBe(false);
    expect((await grant('grant', member, member)).statusCode).toBe(404);
    expect(await canBenchmark(db.pool, member.user)).toBe(false);
    expect(await canBenchmark(db.pool, null)).toBe(false);
    expect(await canBenchmark(db.pool, admin.user)).toBe(true);
  });

  it('with access granted by the operator, a member creates a run; another member cannot see it, an admin can', async () => {
    const page = await get(admin, '/admin/bench-access');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="/admin/bench-access/${member.user.id}/grant"`);
    const granted = await grant('grant', member);
    expect(granted.statusCode).toBe(303);
    expect(await canBenchmark(db.pool, member.user)).toBe(true);
    expect((await get(admin, '/admin/bench-access')).body).toContain(`action="/admin/bench-access/${member.user.id}/revoke"`);

    expect((await get(member, '/bench')).statusCode).toBe(200);
    expect((await get(member, '/bench/new')).body).toContain('>Benchmarks</a>');
    const created = await createViaApi(app, member, { models: ['offline/offline'], kinds: ['numeric'], count: 2, seed: 'mine' });
    expect(created.status).toBe(201);
    const id = created.body.runs[0].id as string;
    expect((await get(member, `/api/bench/runs/${id}`)).statusCode).toBe(200);
    expect((await get(member, '/bench')).body).toContain(`href="/bench/${id}"`);

    // A second member with access sees neither the run nor its place in the list.
    await grant('grant', other);
    expect((await get(other, '/bench')).statusCode).toBe(200);
    expect((await get(other, '/bench')).body).not.toContain(`href="/bench/${id}"`);
    for (const url of [`/bench/${id}`, `/api/bench/runs/${id}`, `/api/bench/runs/${id}/items`, `/bench/${id}/export/summary.json`]) {
      expect((await get(other, url)).statusCode, url).toBe(404);
    }
    // Admins see every run.
    expect((await get(admin, `/api/bench/runs/${id}`)).statusCode).toBe(200);
    expect((await get(admin, '/bench')).body).toContain(`href="/bench/${id}"`);

    // Revoked: back to 404, and the run stays for the admin.
    expect((await grant('revoke', member)).statusCode).toBe(303);
    await hidden(member);
    expect((await get(admin, `/api/bench/runs/${id}`)).statusCode).toBe(200);
  });
});
