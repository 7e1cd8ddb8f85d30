/**
 * The page cache never shows stale practice state: a user's own actions and a verdict written by another process
 * (the worker, announced with NOTIFY) both show on the next load, and nobody is served another user's page.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../../src/db/pool.js';
import { insertAttempt } from '../../../src/practice/queries.js';
import { notifyUserChanged } from '../../../src/practice/user-events.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { waitFor } from '../runs/helpers.js';
import { bank, practiceApp } from './helpers.js';

const db = useTestDatabase();
let app: FastifyInstance;
let user: SignedIn;
const problem = bank.problems.find((p) => p.kind === 'code')!;
const statusCell = (html: string, slug: string) => new RegExp(`<tr data-slug="${slug}">[\\s\\S]*?badge-(new|attempted|solved)`).exec(html)?.[1];

beforeAll(async () => {
  app = await practiceApp(db);
  user = await signIn(app, db);
});
afterAll(() => app?.close());

const list = async (who = user) => (await app.inject({ url: '/problems', headers: { cookie: who.cookie } })).body;

describe('cached practice pages', () => {
  it('serve the same bytes on a reload, and a verdict from another process shows once announced', async () => {
    // The listener connects in the background; the cache only serves once it listens.
    const first = await waitFor(
      async () => {
        const a = await list();
        return a === (await list()) ? a : undefined;
      },
      { what: 'a reload to be served from the cache' },
    );
    expect(statusCell(first, problem.slug)).toBe('new');

    // What the worker does: write through its own connection, then NOTIFY.
    const other = createPool(db.url, { max: 1 });
    try {
      await insertAttempt(other, {
        userId: user.user.id, slug: problem.slug, versionHash: problem.hash, kind: 'code', submission: problem.solution!,
        status: 'passed', score: 1, hintsUsed: 0, aiHintsUsed: 0, graded: true,
      });
      await notifyUserChanged(other, user.user.id);
    } finally {
      await other.end();
    }
    await waitFor(async () => statusCell(await list(), problem.slug) === 'solved', { what: 'the list to show the problem solved' });
  });

  it('a user\'s own action shows on their very next load', async () => {
    const before = await app.inject({ url: `/problems/${problem.slug}`, headers: { cookie: user.cookie } });
    expect(before.body).not.toContain('kept for the next test');
    const res = await app.inject({ method: 'POST', url: `/problems/${problem.slug}/notes`, payload: { notes: 'kept for the next test' }, headers: user.headers });
    expect(res.statusCode).toBe(303);
    const after = await app.inject({ url: `/problems/${problem.slug}`, headers: { cookie: user.cookie } });
    expect(after.body).toContain('kept for the next test');
  });

  it('never serves one user\'s page to another', async () => {
    const mine = await list();
    const stranger = await signIn(app, db);
    const theirs = await list(stranger);
    expect(statusCell(mine, problem.slug)).toBe('solved');
    expect(statusCell(theirs, problem.slug)).toBe('new');
    expect(theirs).toContain(stranger.user.displayName);
    expect(theirs).not.toContain(user.user.displayName);
  });
});
