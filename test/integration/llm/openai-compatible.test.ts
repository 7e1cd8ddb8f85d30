/**
 * The openai-compatible provider through the real `openai` SDK against the fake chat-completions endpoint: normal
 * answers, answers that arrive only in a reasoning field, `<think>` stripping, model list checks and error kinds.
 */
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmError } from '../../../src/llm/index.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { useTestDatabase } from '../../helpers/db.js';
import { buildLlm, callRow, newUser, testPrompt, usageRow } from './helpers.js';

const db = useTestDatabase();
let fake: FakeOpenAiCompatible;
const env = () => ({
  OPENAI_COMPAT_BASE_URL: fake.url,
  OPENAI_COMPAT_API_KEY: 'or-test-key',
  OPENAI_COMPAT_MODELS: 'qwen/qwen3-32b, deepseek/deepseek-r1',
  LLM_TIMEOUT_MS: '400',
  LLM_MAX_RETRIES: '1',
});

beforeAll(async () => {
  fake = await startFakeOpenAiCompatible();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function bench(model = 'qwen/qwen3-32b', userId: string | null = null) {
  const { llm } = buildLlm(db, env());
  return llm.invoke('openai-compatible', { userId, feature: 'benchmark_run', prompt: testPrompt('Solve it.'), model, maxOutputTokens: 300 });
}

describe('openai-compatible answers', () => {
  it('a normal answer: text, usage, the SDK sent the key, system prompt and model', async () => {
    fake.script(openaiCompat.completion({ content: 'The answer is 4.', usage: { prompt_tokens: 30, completion_tokens: 6, cached_tokens: 10 } }));
    const res = await bench();
    expect(res.text).toBe('The answer is 4.');
    // Cached prompt tokens are split out of prompt_tokens so the total is not counted twice.
    expect(res.usage).toEqual({ inputTokens: 20, outputTokens: 6, cacheReadTokens: 10, cacheWriteTokens: 0 });
    expect(res.stopReason).toBe('stop');
    // Not in the price table: the cost is unknown, not guessed.
    expect(res.costUsd).toBeNull();
    const sent = fake.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer or-test-key');
    expect(sent.body).toMatchObject({
      model: 'qwen/qwen3-32b',
      max_tokens: 300,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Solve it.' },
      ],
    });
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({
      provider: 'openai-compatible',
      model: 'qwen/qwen3-32b',
      outcome: 'ok',
      input_tokens: 20,
      output_tokens: 6,
      cost_usd: null,
      price_version: null,
    });
  });

  it.each(['reasoning', 'reasoning_content'] as const)('an answer only in the %s field is used', async (field) => {
    fake.script(openaiCompat.completion({ content: null, reasoning: 'Only here: 42', reasoningField: field }));
    expect((await bench()).text).toBe('Only here: 42');
  });

  it('with content present, the reasoning field is thinking and is not the answer', async () => {
    fake.script(openaiCompat.completion({ content: 'final: 7', reasoning: 'long chain of thought', reasoningField: 'reasoning_content' }));
    expect((await bench()).text).toBe('final: 7');
  });

  it('strips <think> blocks before the answer is returned', async () => {
    fake.script(openaiCompat.completion({ content: '<think>\nLet me see... 2+2\n</think>\n\n{"answer": 4}' }));
    expect((await bench('deepseek/deepseek-r1')).text).toBe('{"answer": 4}');
    expect(fake.requests[0]!.body.model).toBe('deepseek/deepseek-r1');
  });

  it('strips a bare </think> left when the template opened the block, and think tags inside a reasoning-only answer', async () => {
    fake.script(
      openaiCompat.completion({ content: 'reasoning without an opening tag</think>answer B' }),
      openaiCompat.completion({ content: '', reasoning: '<think>hmm</think>answer C' }),
    );
    expect((await bench()).text).toBe('answer B');
    expect((await bench()).text).toBe('answer C');
  });

  it('charges the named user\'s cap when there is one', async () => {
    const userId = await newUser(db.pool);
    fake.script(openaiCompat.completion({ content: 'x', usage: { prompt_tokens: 12, completion_tokens: 3 } }));
    await bench('qwen/qwen3-32b', userId);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 15, reserved: 0, calls: 1 });
  });

  it('writeBehind: the answer comes back while its writes wait; `recorded` resolves once the row and the settle are in', async () => {
    const userId = await newUser(db.pool);
    fake.script(openaiCompat.completion({ content: 'x', usage: { prompt_tokens: 12, completion_tokens: 3 } }));
    // Another session holds a lock that blocks every insert into llm_calls (reads still go through).
    const blocker = await db.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE llm_calls IN SHARE MODE');
    try {
      const { llm } = buildLlm(db, env());
      const res = await llm.invoke('openai-compatible', {
        userId, feature: 'benchmark_run', prompt: testPrompt('Solve it.'), model: 'qwen/qwen3-32b', maxOutputTokens: 300, writeBehind: true,
      });
      expect(res.text).toBe('x');
      const { rows } = await db.pool.query('SELECT 1 FROM llm_calls WHERE invocation_id = $1', [res.invocationId]);
      expect(rows).toHaveLength(0);
      await blocker.query('COMMIT');
      await res.recorded;
      expect(await callRow(db.pool, res.invocationId)).toMatchObject({ outcome: 'ok', input_tokens: 12, output_tokens: 3 });
      expect(await usageRow(db.pool, userId)).toEqual({ used: 15, reserved: 0, calls: 1 });
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      blocker.release();
    }
  });
});

describe('openai-compatible refusals', () => {
  it('a model not in OPENAI_COMPAT_MODELS is invalid_request, and nothing is sent', async () => {
    const err = await bench('gpt-unknown').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind: 'invalid_request' });
    expect((err as Error).message).toContain('OPENAI_COMPAT_MODELS');
    expect(fake.requests).toHaveLength(0);
  });

  it('429 is rate_limited and retried; 401 is auth_failed and not', async () => {
    fake.script(openaiCompat.rateLimited({ retryAfter: '0' }), openaiCompat.completion({ content: 'second time' }));
    expect((await bench()).attempts).toBe(2);
    fake.reset();
    fake.script(openaiCompat.unauthorized());
    await expect(bench()).rejects.toMatchObject({ kind: 'auth_failed' });
    expect(fake.requests).toHaveLength(1);
  });

  it('a malformed body is bad_response; a hang is timeout', async () => {
    fake.script(openaiCompat.malformed());
    await expect(bench()).rejects.toMatchObject({ kind: 'bad_response' });
    fake.reset();
    fake.always(openaiCompat.hang());
    await expect(bench()).rejects.toMatchObject({ kind: 'timeout' });
    expect(fake.requests).toHaveLength(2);
  });

  it('a 200 with no choices is bad_response, recorded with its kind', async () => {
    fake.script(openaiCompat.malformed('{"choices": []}'));
    const { llm } = buildLlm(db, env());
    const err = await llm
      .invoke('openai-compatible', { userId: null, feature: 'benchmark_run', prompt: testPrompt(), model: 'default', maxOutputTokens: 10 })
      .catch((e: LlmError) => e);
    expect(err).toMatchObject({ kind: 'bad_response' });
    const { rows } = await db.pool.query(`SELECT outcome, error_kind FROM llm_calls WHERE error_kind = 'bad_response' AND provider = 'openai-compatible'`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.outcome === 'error')).toBe(true);
  });
});

describe("a caller's long-lived signal", () => {
  it('keeps no abort listener after each call (the SDK never removes the one it adds)', async () => {
    fake.always(openaiCompat.completion({ content: 'Answer: 4' }));
    const { llm } = buildLlm(db, env());
    const run = new AbortController(); // as a benchmark run's signal, shared by every call it makes
    for (let i = 0; i < 3; i++) {
      await llm.invoke('openai-compatible', { userId: null, feature: 'benchmark_run', prompt: testPrompt('Solve it.'), model: 'qwen/qwen3-32b', maxOutputTokens: 50 }, run.signal);
    }
    expect(fake.requests.length).toBe(3);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
