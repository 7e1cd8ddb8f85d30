/**
 * Shared by the career tests: the real app over the file's database (the bank synced, as at boot), the worker's real
 * career-analyse handler run on the queued run as the worker would after claiming it, and the form helpers.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { AnalysisDeps } from '../../../src/career/analysis.js';
import { createCareerAnalyseHandler } from '../../../worker/handlers/career-analyse.js';
import type { RunContext } from '../../../worker/handlers/types.js';
import type { SignedIn } from '../../helpers/auth.js';
import type { TestDatabase } from '../../helpers/db.js';

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export function poster(app: FastifyInstance) {
  return (user: SignedIn, url: string, fields: Record<string, string> = {}, extra: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...user.headers, ...FORM, ...extra }, payload: new URLSearchParams({ _csrf: user.csrf, ...fields }).toString() });
}

/** Runs the newest queued career-analyse run through the worker's handler; returns what it stored ('llm', 'offline', 'failed'). */
export async function runQueued(db: TestDatabase, deps: AnalysisDeps): Promise<string> {
  const { rows } = await db.pool.query(`SELECT id::text, payload FROM runs WHERE kind = 'career-analyse' AND status = 'queued' ORDER BY id DESC LIMIT 1`);
  if (!rows[0]) throw new Error('no career-analyse run is queued');
  await db.pool.query('DELETE FROM runs WHERE id = $1', [rows[0].id]);
  const ctx = {
    runId: rows[0].id,
    attempt: 1,
    ownerId: null,
    signal: new AbortController().signal,
    log: pino({ level: 'silent' }),
    progress: async () => {},
  } as Partial<RunContext>;
  const result = (await createCareerAnalyseHandler(deps).handle(rows[0].payload, ctx as RunContext)) as { answered: string };
  return result.answered;
}

/** The sum of the breakdown's points column and the score in the heading, read from the page as a user sees it. */
export function breakdownOf(html: string): { score: number; max: number; lines: number[]; statuses: string[] } {
  const score = Number(/<span data-score>([\d.]+)<\/span>/.exec(html)?.[1]);
  const max = Number(/<span data-max>([\d.]+)<\/span>/.exec(html)?.[1]);
  const lines = [...html.matchAll(/<td data-points>([\d.]+) \/ [\d.]+<\/td>/g)].map((m) => Number(m[1]));
  const statuses = [...html.matchAll(/<tr data-status="(\w+)">/g)].map((m) => m[1]!);
  return { score, max, lines, statuses };
}
