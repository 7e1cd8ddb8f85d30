/**
 * /admin/ops renders every section from a seeded database: the verdicts, queue depth and the oldest due run's age,
 * runs per status over 24 h, workers with their grader pools, recent failures with their errors, LLM tokens and
 * cost today and over 7 days by feature and by user, pending access requests, and the version. 404 for others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../helpers/app.js';
import { signIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { seedOps } from '../../helpers/ops-seed.js';

const db = useTestDatabase();
let app: FastifyInstance;
beforeAll(async () => {
  await seedOps(db.pool);
  app = await buildTestApp(db, { env: { GIT_SHA: 'deadbeef' } });
});
afterAll(async () => {
  await app?.close();
});

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('/admin/ops', () => {
  it('renders every section with the seeded data', async () => {
    const admin = await signIn(app, db, { admin: true });
    const res = await app.inject({ url: '/admin/ops', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Version running: deadbeef');
    // Verdicts: the database is fine, a worker checks in, the oldest due run has waited 10 minutes, one failure.
    expect(page).toMatch(/Database ok reachable, every migration applied/);
    expect(page).toMatch(/Workers ok 1 checking in/);
    expect(page).toMatch(/Queue warn oldest due run has waited 10 min/);
    expect(page).toMatch(/Failures warn 1 run\(s\) failed in the last 24 h/);
    expect(page).toContain('2 queued, 1 due now; the oldest due run has waited 10 min.');
    expect(res.body).toMatch(/<td data-status="queued">2<\/td>/);
    expect(res.body).toMatch(/<td data-status="failed">1<\/td>/);
    expect(res.body).toMatch(/<td data-status="succeeded">1<\/td>/);
    // Worker and its grader pool.
    expect(page).toMatch(/host-a · pid 42 abc1234 .* 1 \/ 2 2 \/ 1 \/ 3 \(pool of 2\)/);
    // The failure, with its error.
    expect(page).toMatch(/#\d+ grade_attempt 3 .* sandbox_crash grader child exited with signal 9/);
    // LLM: today's hint call has a price; the 3-day-old review has none (unknown, never $0).
    expect(page).toContain('practice_hint 1200 $0.0125 1200 $0.0125');
    expect(page).toContain('practice_review 0 — 4000 unknown');
    expect(page).toContain('ada@example.com 1200 $0.0125 5200 $0.0125 + 1 unpriced');
    // Pending access request.
    expect(page).toContain('1 waiting.');
    expect(page).toContain('Grace &lt;grace@example.com&gt;');
  });

  it('is listed on the admin index', async () => {
    const admin = await signIn(app, db, { admin: true });
    expect((await app.inject({ url: '/admin', headers: admin.headers })).body).toContain('href="/admin/ops"');
  });

  it('404s for a signed-in non-admin and for a visitor', async () => {
    const member = await signIn(app, db);
    expect((await app.inject({ url: '/admin/ops', headers: member.headers })).statusCode).toBe(404);
    expect((await app.inject('/admin/ops')).statusCode).toBe(404);
  });
});
