/**
 * The anthropic provider through the real @anthropic-ai/sdk against the fake Messages API: each failure the API can
 * produce maps to its error kind and retry behaviour, and complete() falls back offline while invoke() surfaces it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmError } from '../../../src/llm/index.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { useTestDatabase } from '../../helpers/db.js';
import { buildLlm, callRow, newUser, offlineAnswer, testPrompt, usageRow } from './helpers.js';

const db = useTestDatabase();
let fake: FakeAnthropic;
const env = () => ({
  ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
  ANTHROPIC_BASE_URL: fake.url,
  LLM_TIMEOUT_MS: '400',
  LLM_MAX_RETRIES: '2',
});

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const ask = (llm: ReturnType<typeof buildLlm>['llm'], userId: string) =>
  llm.complete({ userId, feature: 'code_review', prompt: testPrompt(), maxOutputTokens: 200, offline: offlineAnswer('offline review') });

describe('anthropic: success', () => {
  it('answers through the SDK, settles the real usage, and records the call with tokens, cost and prompt version', async () => {
    const { llm, logs } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.script(
      anthropic.message({
        text: 'Four.',
        thinking: 'two plus two',
        usage: { input_tokens: 21, output_tokens: 3, cache_read_input_tokens: 5, cache_creation_input_tokens: 2 },
      }),
    );

    const res = await ask(llm, userId);

    expect(res).toMatchObject({ text: 'Four.', source: 'llm' });
    expect(res.notice).toBeUndefined();
    expect(res.usage).toEqual({ inputTokens: 21, outputTokens: 3, cacheReadTokens: 5, cacheWriteTokens: 2 });
    // claude-sonnet-5-5 (the default model) at $2 / $10 / $0.20 / $2.50 per million tokens.
    expect(res.costUsd).toBeCloseTo((21 * 2 + 3 * 10 + 5 * 0.2 + 2 * 2.5) / 1e6, 9);

    const sent = fake.requests[0]!;
    expect(sent.headers.authorization).toBe(`Bearer ${FAKE_ANTHROPIC_KEY}`);
    expect(sent.body).toMatchObject({ model: 'claude-sonnet-5-5', max_tokens: 200, system: 'You are terse.' });

    const row = await callRow(db.pool, res.invocationId);
    expect(row).toMatchObject({
      user_id: userId,
      feature: 'code_review',
      provider: 'anthropic',
      model: 'claude-sonnet-5-5-20250929',
      prompt_id: 'test-prompt',
      prompt_version: '2026-11-23.7',
      source: 'llm',
      outcome: 'ok',
      error_kind: null,
      stop_reason: 'end_turn',
      input_tokens: 21,
      output_tokens: 3,
      cache_read_tokens: 5,
      cache_write_tokens: 2,
      attempts: 1,
      price_version: '2026-12-07',
    });
    expect(Number(row.cost_usd)).toBeCloseTo(res.costUsd!, 6);
    expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    expect(row.reserved_tokens).toBeGreaterThanOrEqual(21 + 5 + 2 + 200);

    // The reservation became the real count: nothing left reserved.
    expect(await usageRow(db.pool, userId)).toEqual({ used: 21 + 3 + 5 + 2, reserved: 0, calls: 1 });

    for (const name of ['llm.invoked', 'llm.completed']) {
      expect(logs.events(name, res.invocationId), name).toHaveLength(1);
    }
    expect(logs.events('llm.completed', res.invocationId)[0]).toMatchObject({ promptVersion: '2026-11-23.7', inputTokens: 21, source: 'llm' });
    // The worst case, priced before the call: the input bound and all 200 output tokens at Sonnet's rates.
    const invoked = logs.events('llm.invoked', res.invocationId)[0]!;
    expect(invoked.maxCostUsd).toBeCloseTo((row.reserved_tokens - 200) * 2e-6 + 200 * 10e-6, 6);
  });

  it('uses the cheap model for features that ask for it', async () => {
    const { llm } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    await llm.complete({ userId, feature: 'hint', prompt: testPrompt(), maxOutputTokens: 50, offline: offlineAnswer() });
    expect(fake.requests[0]!.body.model).toBe('claude-haiku-5-5');
  });
});

describe('anthropic: a settle that fails after the answer', () => {
  it('keeps the answer, logs the failure, and leaves the reservation counted (never an overrun)', async () => {
    const { llm, logs } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    // A constraint only the settle breaks: reserving writes used_tokens = 0, settling adds the real usage.
    await db.pool.query('ALTER TABLE llm_daily_usage ADD CONSTRAINT t_settle_fails CHECK (used_tokens = 0) NOT VALID');
    try {
      fake.script(anthropic.message({ text: 'Still here.' }));
      const res = await ask(llm, userId);
      expect(res).toMatchObject({ text: 'Still here.', source: 'llm' });
      const usage = (await usageRow(db.pool, userId))!;
      expect(usage.used).toBe(0);
      expect(usage.reserved).toBeGreaterThan(0);
      expect(logs.lines.some((l) => l.msg === 'could not settle an LLM reservation; it stays reserved for today')).toBe(true);
    } finally {
      await db.pool.query('ALTER TABLE llm_daily_usage DROP CONSTRAINT t_settle_fails');
    }
  });
});

describe('anthropic: failures map to error kinds', () => {
  it('429 with retry-after: waits at least that long, retries, and charges the cap once', async () => {
    const { llm, logs } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.script(anthropic.rateLimited({ retryAfter: '1' }), anthropic.message({ text: 'after the wait', usage: { input_tokens: 10, output_tokens: 4 } }));

    const res = await ask(llm, userId);

    expect(res).toMatchObject({ text: 'after the wait', source: 'llm' });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(1000);
    const [err] = logs.events('llm.error', res.invocationId);
    expect(err).toMatchObject({ kind: 'rate_limited', retryable: true, willRetry: true, attempt: 1, status: 429 });
    expect(err!.retryInMs).toBeGreaterThanOrEqual(1000);
    expect((await callRow(db.pool, res.invocationId)).attempts).toBe(2);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 14, reserved: 0, calls: 1 });
  });

  it('retry-after-ms is honoured too', async () => {
    const { llm, logs } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.script(anthropic.rateLimited({ retryAfterMs: 300 }));
    const res = await ask(llm, userId);
    expect(res.source).toBe('llm');
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(300);
    expect(logs.events('llm.error', res.invocationId)[0]!.retryInMs).toBeGreaterThanOrEqual(300);
  });

  it('a retry-after longer than anyone should wait is not waited for: offline answer at once', async () => {
    const { llm } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.script(anthropic.rateLimited({ retryAfter: '120' }));
    const res = await ask(llm, userId);
    expect(res).toMatchObject({ source: 'offline', text: 'offline review' });
    expect(res.notice).toMatch(/busy/);
    expect(fake.requests).toHaveLength(1);
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({ outcome: 'fallback', error_kind: 'rate_limited', attempts: 1 });
  });

  it('529 overloaded is retried up to LLM_MAX_RETRIES, then the offline path answers and says so', async () => {
    const { llm, logs } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.always(anthropic.overloaded());

    const res = await ask(llm, userId);

    expect(fake.requests).toHaveLength(3);
    expect(res).toMatchObject({ source: 'offline', text: 'offline review', notice: 'AI is busy right now; showing the offline review' });
    const errors = logs.events('llm.error', res.invocationId);
    expect(errors.map((e) => [e.kind, e.willRetry])).toEqual([
      ['overloaded', true],
      ['overloaded', true],
      ['overloaded', false],
    ]);
    // The offline provider ran under the same invocation id.
    expect(logs.events('llm.completed', res.invocationId)).toMatchObject([{ provider: 'offline', source: 'offline' }]);
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({ source: 'offline', outcome: 'fallback', error_kind: 'overloaded', attempts: 3 });
    expect(await usageRow(db.pool, userId)).toEqual({ used: 0, reserved: 0, calls: 0 });
  });

  it('401 is auth_failed and is not retried', async () => {
    const { llm } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.script(anthropic.unauthorized());
    const res = await ask(llm, userId);
    expect(fake.requests).toHaveLength(1);
    expect(res.source).toBe('offline');
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({ error_kind: 'auth_failed', attempts: 1 });
  });

  it('a wrong key is refused by the API and surfaces from invoke() as auth_failed', async () => {
    const { llm } = buildLlm(db, { ...env(), ANTHROPIC_API_KEY: 'sk-ant-wrong' });
    const userId = await newUser(db.pool);
    const err = await llm
      .invoke('anthropic', { userId, feature: 'benchmark_run', prompt: testPrompt(), model: 'default', maxOutputTokens: 50 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind: 'auth_failed', retryable: false });
    expect(await usageRow(db.pool, userId)).toMatchObject({ used: 0, reserved: 0 });
  });

  it('a hung request times out (LLM_TIMEOUT_MS), is retried, and ends as timeout', async () => {
    const { llm } = buildLlm(db, { ...env(), LLM_MAX_RETRIES: '1' });
    const userId = await newUser(db.pool);
    fake.always(anthropic.hang());
    const res = await ask(llm, userId);
    expect(fake.requests).toHaveLength(2);
    expect(res).toMatchObject({ source: 'offline', notice: 'AI took too long to answer; showing the offline review' });
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({ error_kind: 'timeout', attempts: 2 });
    expect(await usageRow(db.pool, userId)).toMatchObject({ used: 0, reserved: 0 });
  });

  it('a malformed body is bad_response and is not retried (it may already have been charged)', async () => {
    const { llm } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.script(anthropic.malformed());
    const err = await llm
      .invoke('anthropic', { userId, feature: 'benchmark_run', prompt: testPrompt(), model: 'default', maxOutputTokens: 50 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'bad_response', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('a 200 that is JSON but not a message is bad_response as well', async () => {
    const { llm } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.script(anthropic.malformed('{"hello": "proxy"}'));
    const res = await ask(llm, userId);
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({ error_kind: 'bad_response', outcome: 'fallback' });
  });

  it('400 is invalid_request, not retried', async () => {
    const { llm } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.script(anthropic.error(400, 'invalid_request_error', 'max_tokens too large'));
    const err = await llm
      .invoke('anthropic', { userId, feature: 'benchmark_run', prompt: testPrompt(), model: 'default', maxOutputTokens: 50 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid_request' });
    expect((err as Error).message).toContain('max_tokens too large');
    expect(fake.requests).toHaveLength(1);
  });

  it("a caller's abort stops the call without falling back or retrying", async () => {
    const { llm } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    fake.always(anthropic.hang());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await llm
      .complete({ userId, feature: 'hint', prompt: testPrompt(), maxOutputTokens: 50, signal: controller.signal, offline: offlineAnswer() })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', retryable: false });
    expect(fake.requests).toHaveLength(1);
    expect(await usageRow(db.pool, userId)).toMatchObject({ reserved: 0 });
  });

  it("a request over the provider's output limit is refused before the cap or the network are touched", async () => {
    const { llm } = buildLlm(db, env());
    const userId = await newUser(db.pool);
    const res = await llm.complete({ userId, feature: 'hint', prompt: testPrompt(), maxOutputTokens: 100_000, offline: offlineAnswer('canned') });
    expect(res).toMatchObject({ source: 'offline', text: 'canned' });
    expect(fake.requests).toHaveLength(0);
    expect(await usageRow(db.pool, userId)).toBeNull();
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({ error_kind: 'invalid_request', outcome: 'fallback' });
  });
});
