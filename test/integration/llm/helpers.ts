/**
 * Shared set-up for the LLM tests: a real Llm built from a real config (loadConfig) against the file's database,
 * with a real pino logger whose lines are kept so tests can check the structured events.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type pg from 'pg';
import { upsertUser } from '../../../src/auth/queries.js';
import { createLlm, type Llm } from '../../../src/llm/index.js';
import type { PromptPayload } from '../../../src/llm/types.js';
import { testConfig } from '../../helpers/app.js';

export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, any>[];
  events(name: string, invocationId?: string): Record<string, any>[];
}

export function captureLogs(): CapturedLogs {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  // sync: false would buffer; a plain Writable gets each line as it is logged.
  const logger = pino({ level: 'debug' }, stream);
  return {
    logger,
    lines,
    events: (name, id) => lines.filter((l) => l.event === name && (id === undefined || l.invocationId === id)),
  };
}

export function buildLlm(db: { url: string; pool: pg.Pool }, env: Record<string, string | undefined>): { llm: Llm; logs: CapturedLogs } {
  const logs = captureLogs();
  const llm = createLlm({ config: testConfig(db, env), pool: db.pool, logger: logs.logger });
  return { llm, logs };
}

export async function newUser(pool: pg.Pool): Promise<string> {
  const id = randomUUID();
  await upsertUser(pool, { id, email: `llm-${id.slice(0, 8)}@example.com`, displayName: 'LLM tester' });
  return id;
}

export const testPrompt = (text = 'What is 2 + 2?'): PromptPayload => ({
  id: 'test-prompt',
  version: '2026-11-23.7',
  system: 'You are terse.',
  messages: [{ role: 'user', content: text }],
});

export const offlineAnswer = (text = 'offline answer') => () => ({ text });

export async function callRow(pool: pg.Pool, invocationId: string): Promise<Record<string, any>> {
  const { rows } = await pool.query('SELECT * FROM llm_calls WHERE invocation_id = $1', [invocationId]);
  if (!rows[0]) throw new Error(`no llm_calls row for ${invocationId}`);
  return rows[0];
}

export async function usageRow(pool: pg.Pool, userId: string): Promise<{ used: number; reserved: number; calls: number } | null> {
  const { rows } = await pool.query(
    `SELECT used_tokens, reserved_tokens, calls FROM llm_daily_usage WHERE user_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date`,
    [userId],
  );
  const r = rows[0];
  return r ? { used: Number(r.used_tokens), reserved: Number(r.reserved_tokens), calls: r.calls } : null;
}
