/**
 * The daily token cap against a real Postgres: the reservation statement's arithmetic, per-user caps, UTC days,
 * resets, and the acceptance case -- 100 concurrent calls by one user near the cap never settle past it, and the
 * calls that did not fit were answered offline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  releaseReservation,
  reserveTokens,
  resetUsageToday,
  settleReservation,
  setUserCap,
  usageToday,
} from '../../../src/llm/budget-queries.js';
import { reservationFor } from '../../../src/llm/prices.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { useTestDatabase } from '../../helpers/db.js';
import { buildLlm, newUser, offlineAnswer, testPrompt, usageRow } from './helpers.js';

const db = useTestDatabase({ poolSize: 20 });

describe('reserve, settle, release', () => {
  it('a reservation succeeds only while used + reserved + it fits under the cap', async () => {
    const userId = await newUser(db.pool);
    const a = await reserveTokens(db.pool, userId, 600, 1000);
    expect(a).not.toBeNull();
    expect(await reserveTokens(db.pool, userId, 500, 1000)).toBeNull();
    const b = await reserveTokens(db.pool, userId, 400, 1000);
    expect(b).not.toBeNull();
    expect(await usageRow(db.pool, userId)).toEqual({ used: 0, reserved: 1000, calls: 0 });

    await settleReservation(db.pool, a!, 300);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 300, reserved: 400, calls: 1 });
    expect(await reserveTokens(db.pool, userId, 301, 1000)).toBeNull();
    const c = await reserveTokens(db.pool, userId, 300, 1000);
    expect(c).not.toBeNull();

    await releaseReservation(db.pool, b!);
    await releaseReservation(db.pool, c!);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 300, reserved: 0, calls: 1 });
  });

  it('a request bigger than the whole cap is refused on a fresh day without creating a row', async () => {
    const userId = await newUser(db.pool);
    expect(await reserveTokens(db.pool, userId, 1001, 1000)).toBeNull();
    expect(await usageRow(db.pool, userId)).toBeNull();
  });

  it("the operator's per-user cap replaces the default, and clearing it restores the default", async () => {
    const userId = await newUser(db.pool);
    await setUserCap(db.pool, userId, 50, null);
    expect(await reserveTokens(db.pool, userId, 60, 1000)).toBeNull();
    expect(await usageToday(db.pool, userId, 1000)).toMatchObject({ capTokens: 50, customCap: true });
    await setUserCap(db.pool, userId, null, null);
    expect(await reserveTokens(db.pool, userId, 60, 1000)).not.toBeNull();
    expect(await usageToday(db.pool, userId, 1000)).toMatchObject({ capTokens: 1000, customCap: false, reservedTokens: 60 });
  });

  it('yesterday (UTC) does not count against today', async () => {
    const userId = await newUser(db.pool);
    await db.pool.query(
      `INSERT INTO llm_daily_usage (user_id, day, used_tokens, cap_tokens) VALUES ($1, (now() AT TIME ZONE 'UTC')::date - 1, 1000, 1000)`,
      [userId],
    );
    const r = await reserveTokens(db.pool, userId, 1000, 1000);
    expect(r).not.toBeNull();
    const { rows } = await db.pool.query(`SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today`);
    expect(r!.day).toBe(rows[0].today);
  });

  it("a reset gives the user a fresh day; a call in flight still adds its real usage and reserved never goes negative", async () => {
    const userId = await newUser(db.pool);
    const inFlight = await reserveTokens(db.pool, userId, 700, 1000);
    await settleReservation(db.pool, (await reserveTokens(db.pool, userId, 300, 1000))!, 300);
    expect(await reserveTokens(db.pool, userId, 1, 1000)).toBeNull();

    expect(await resetUsageToday(db.pool, userId)).toBe(true);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 0, reserved: 0, calls: 0 });
    await settleReservation(db.pool, inFlight!, 650);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 650, reserved: 0, calls: 1 });
  });
});

describe('100 concurrent calls by one user near the cap', () => {
  const CAP = 50_000;
  const MAX_OUT = 100;
  let fake: FakeAnthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  /** Polls used + reserved while the calls run: the sum must never pass the cap, not just the final value. */
  function watchPeak(userId: string) {
    let peak = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        const u = await usageRow(db.pool, userId);
        if (u) peak = Math.max(peak, u.used + u.reserved);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    return async () => {
      running = false;
      await loop;
      return peak;
    };
  }

  async function runHundred(userId: string) {
    const { llm } = buildLlm(db, { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_DAILY_TOKEN_CAP: String(CAP) });
    const stopWatching = watchPeak(userId);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        llm.complete({
          userId,
          feature: 'hint',
          prompt: testPrompt(`question ${i % 10}`),
          maxOutputTokens: MAX_OUT,
          offline: offlineAnswer(`offline hint ${i}`),
        }),
      ),
    );
    return { results, peak: await stopWatching() };
  }

  it('when each call uses its whole reservation, exactly the calls that fit run; the rest are offline', async () => {
    const userId = await newUser(db.pool);
    const perCall = reservationFor({ ...testPrompt('question 0'), maxOutputTokens: MAX_OUT });
    // The fake reports the worst case, so each settled call costs exactly its reservation.
    fake.always(anthropic.message({ delayMs: 40, usage: { input_tokens: perCall - MAX_OUT, output_tokens: MAX_OUT } }));
    const seeded = CAP - Math.floor(10.5 * perCall);
    await db.pool.query(
      `INSERT INTO llm_daily_usage (user_id, day, used_tokens, cap_tokens) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2, $3)`,
      [userId, seeded, CAP],
    );

    const { results, peak } = await runHundred(userId);

    const online = results.filter((r) => r.source === 'llm');
    const offline = results.filter((r) => r.source === 'offline');
    expect(online).toHaveLength(10);
    expect(offline).toHaveLength(90);
    expect(fake.requests).toHaveLength(10);
    for (const r of offline) {
      expect(r.notice).toBe('AI budget for today is used up; resets at 00:00 UTC; showing offline hints');
      expect(r.text).toMatch(/^offline hint \d+$/);
    }
    const usage = (await usageRow(db.pool, userId))!;
    expect(usage).toEqual({ used: seeded + 10 * perCall, reserved: 0, calls: 10 });
    expect(usage.used).toBeLessThanOrEqual(CAP);
    expect(peak).toBeLessThanOrEqual(CAP);

    const { rows } = await db.pool.query(
      `SELECT source, outcome, error_kind, count(*)::int AS n FROM llm_calls WHERE user_id = $1 GROUP BY 1, 2, 3 ORDER BY 1`,
      [userId],
    );
    expect(rows).toEqual([
      { source: 'llm', outcome: 'ok', error_kind: null, n: 10 },
      { source: 'offline', outcome: 'fallback', error_kind: 'budget_exceeded', n: 90 },
    ]);
  });

  it('with realistic usage (less than reserved), settled usage still never passes the cap', async () => {
    const userId = await newUser(db.pool);
    fake.always(anthropic.message({ delayMs: 150, text: 'a short hint' }));
    const perCall = reservationFor({ ...testPrompt('question 0'), maxOutputTokens: MAX_OUT });
    const seeded = CAP - 20 * perCall;
    await db.pool.query(
      `INSERT INTO llm_daily_usage (user_id, day, used_tokens, cap_tokens) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, $2, $3)`,
      [userId, seeded, CAP],
    );

    const { results, peak } = await runHundred(userId);

    const online = results.filter((r) => r.source === 'llm').length;
    expect(online).toBeGreaterThanOrEqual(20);
    expect(online).toBe(fake.requests.length);
    expect(results.length - online).toBeGreaterThan(0);
    expect(results.filter((r) => r.source === 'offline').every((r) => r.notice?.startsWith('AI budget for today is used up'))).toBe(true);
    const usage = (await usageRow(db.pool, userId))!;
    expect(usage.reserved).toBe(0);
    expect(usage.used).toBeLessThanOrEqual(CAP);
    expect(peak).toBeLessThanOrEqual(CAP);
  });
});
