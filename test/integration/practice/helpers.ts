/**
 * Shared by the practice tests: the real app over the file's database with the real bank synced into it, as
 * server.ts does at boot.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { loadBank } from '../../../src/practice/bank.js';
import { syncBank } from '../../../src/practice/bank-sync.js';
import { buildTestApp } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase, type TestDatabase } from '../../helpers/db.js';

export const bank = loadBank();

export async function practiceApp(
  db: TestDatabase,
  opts: { setup?: (app: FastifyInstance) => void | Promise<void>; env?: Record<string, string | undefined> } = {},
): Promise<FastifyInstance> {
  await syncBank(db.pool, bank);
  return buildTestApp(db, opts);
}

/** A problem of the given kind from the real bank (the first, in bank order). */
export function firstOfKind(kind: 'code' | 'numeric' | 'written') {
  const p = bank.problems.find((x) => x.kind === kind);
  if (!p) throw new Error(`no ${kind} problem in the bank`);
  return p;
}

export function form(fields: Record<string, string>): { payload: string; headers: Record<string, string> } {
  return { payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

export interface PracticeTest {
  db: TestDatabase;
  app: FastifyInstance;
  /** Signed in before the file's tests run. */
  user: SignedIn;
  /** GET as `who` (the user by default). */
  get(url: string, headers?: Record<string, string>, who?: SignedIn): Promise<LightMyRequestResponse>;
  /** POST a form as `who` (the user by default), with its CSRF token. */
  post(url: string, fields: Record<string, string>, headers?: Record<string, string>, who?: SignedIn): Promise<LightMyRequestResponse>;
}

/**
 * The set-up most practice test files share: the file's database, the app with the bank synced, one signed-in user,
 * and requests as that user. `app` and `user` are there once the file's beforeAll has run.
 */
export function usePracticeApp(): PracticeTest {
  const t = { db: useTestDatabase() } as PracticeTest;
  beforeAll(async () => {
    t.app = await practiceApp(t.db);
    t.user = await signIn(t.app, t.db);
  });
  afterAll(() => t.app?.close());
  t.get = (url, headers = {}, who = t.user) => t.app.inject({ url, headers: { cookie: who.cookie, ...headers } });
  t.post = (url, fields, headers = {}, who = t.user) => {
    const f = form(fields);
    return t.app.inject({ method: 'POST', url, payload: f.payload, headers: { ...f.headers, ...who.headers, ...headers } });
  };
  return t;
}
