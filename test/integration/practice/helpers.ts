/**
 * Shared by the practice tests: the real app over the file's database with the real bank synced into it, as
 * server.ts does at boot.
 */
import type { FastifyInstance } from 'fastify';
import { loadBank } from '../../../src/practice/bank.js';
import { syncBank } from '../../../src/practice/bank-sync.js';
import { buildTestApp } from '../../helpers/app.js';
import type { TestDatabase } from '../../helpers/db.js';

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
