/**
 * The LLM layer's group-committed writes against a real Postgres: a batch of reservations is granted whole only when
 * it fits, and otherwise exactly as if its reservations had come one by one (never past the cap); one call row that
 * cannot be written does not cost the rest of its batch theirs.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CallWrites } from '../../../src/llm/call-writes.js';
import type { CallRecord } from '../../../src/llm/telemetry-queries.js';
import { useTestDatabase } from '../../helpers/db.js';
import { newUser, usageRow } from './helpers.js';

const db = useTestDatabase({ poolSize: 5 });

const record = (userId: string | null): CallRecord => ({
  invocationId: randomUUID(), userId, feature: 'benchmark_run', provider: 'openai-compatible', model: 'm', promptId: 'p', promptVersion: '1',
  source: 'llm', outcome: 'ok', errorKind: null, stopReason: 'stop', usage: { inputTokens: 3, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0 },
  reservedTokens: 10, costUsd: null, latencyMs: 12.4, attempts: 1,
});

describe('CallWrites', () => {
  it('reservations that wait together are all granted while their sum fits', async () => {
    const userId = await newUser(db.pool);
    const writes = new CallWrites(db.pool, 1000);
    const granted = await Promise.all([100, 200, 300, 400].map((t) => writes.reserve(userId, t)));
    expect(granted.map((r) => r?.tokens)).toEqual([100, 200, 300, 400]);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 0, reserved: 1000, calls: 0 });
  });

  it('a batch that does not fit is tried one by one, in order: exactly the reservations that fit are granted', async () => {
    const userId = await newUser(db.pool);
    const writes = new CallWrites(db.pool, 100);
    // The first goes alone; the other three wait and are asked for together (110, and first with 40 more while the
    // first is in flight), which cannot fit beside the first 40; then each alone, in order (cap-lease.ts).
    const granted = await Promise.all([40, 40, 50, 20].map((t) => writes.reserve(userId, t)));
    expect(granted.map((r) => r?.tokens ?? null)).toEqual([40, 40, null, 20]);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 0, reserved: 100, calls: 0 });
  });

  it('settles that wait together go as one update with their sums', async () => {
    const userId = await newUser(db.pool);
    const writes = new CallWrites(db.pool, 1000);
    const rs = await Promise.all([100, 100, 100].map((t) => writes.reserve(userId, t)));
    await Promise.all(rs.map((r, i) => writes.settle(r!, 10 * (i + 1))));
    expect(await usageRow(db.pool, userId)).toEqual({ used: 60, reserved: 0, calls: 3 });
  });

  it('a call row that cannot be written fails alone; the rest of its batch is written', async () => {
    const userId = await newUser(db.pool);
    const writes = new CallWrites(db.pool, 1000);
    // A user id with no user breaks the foreign key; the rows around it must still be written.
    const rows = [record(userId), record(userId), record(randomUUID()), record(null)];
    const outcomes = await Promise.allSettled(rows.map((r) => writes.record(r)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const { rows: stored } = await db.pool.query('SELECT invocation_id, latency_ms FROM llm_calls WHERE invocation_id = ANY($1::uuid[])', [rows.map((r) => r.invocationId)]);
    expect(new Set(stored.map((s) => s.invocation_id))).toEqual(new Set([rows[0]!.invocationId, rows[1]!.invocationId, rows[3]!.invocationId]));
    expect(stored.every((s) => s.latency_ms === 12)).toBe(true);
  });
});
