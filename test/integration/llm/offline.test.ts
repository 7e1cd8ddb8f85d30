/**
 * With no ANTHROPIC_API_KEY every feature that uses the layer still answers, offline, and says so; the registry
 * disables misconfigured providers with a reason and a start-up warning naming the variable, and never switches a
 * call to another paid provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_SETTINGS, LLM_FEATURES, LlmError } from '../../../src/llm/index.js';
import { createLlm } from '../../../src/llm/index.js';
import { createReporter } from '../../../src/observability/reporter.js';
import { FAKE_ANTHROPIC_KEY } from '../../fakes/anthropic.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { startFakeSentry, type FakeSentry } from '../../fakes/sentry.js';
import { testConfig } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { buildLlm, callRow, captureLogs, newUser, testPrompt, usageRow } from './helpers.js';

const db = useTestDatabase();

describe('no ANTHROPIC_API_KEY: every feature answers offline and says so', () => {
  it.each(LLM_FEATURES)('%s', async (feature) => {
    const { llm, logs } = buildLlm(db, {});
    const userId = await newUser(db.pool);
    const res = await llm.complete({
      userId,
      feature,
      prompt: testPrompt(`input for ${feature}`),
      maxOutputTokens: 300,
      // Each feature's fallback is its own deterministic function; here one that depends on its input.
      offline: () => ({ text: `deterministic ${feature} answer` }),
    });

    expect(res.source).toBe('offline');
    expect(res.text).toBe(`deterministic ${feature} answer`);
    expect(res.notice).toBe(`AI is not configured; showing ${FEATURE_SETTINGS[feature].offlineLabel}`);
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({
      feature,
      provider: 'anthropic',
      source: 'offline',
      outcome: 'fallback',
      error_kind: 'not_configured',
      prompt_version: '2026-11-23.7',
      input_tokens: 0,
      reserved_tokens: 0,
    });
    // Nothing was reserved: an unconfigured provider is refused before the cap is touched.
    expect(await usageRow(db.pool, userId)).toBeNull();
    expect(logs.events('llm.invoked', res.invocationId)).toMatchObject([{ provider: 'offline' }]);
    expect(logs.events('llm.completed', res.invocationId)).toMatchObject([{ provider: 'offline', source: 'offline' }]);
  });

  it('invoke() does not fall back: it names the variable to set', async () => {
    const { llm } = buildLlm(db, {});
    const err = await llm
      .invoke('anthropic', { userId: null, feature: 'benchmark_run', prompt: testPrompt(), model: 'default', maxOutputTokens: 10 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ kind: 'not_configured', retryable: false });
    expect((err as Error).message).toContain('ANTHROPIC_API_KEY');
    await expect(
      llm.invoke('no-such-provider', { userId: null, feature: 'benchmark_run', prompt: testPrompt(), model: 'x', maxOutputTokens: 10 }),
    ).rejects.toMatchObject({ kind: 'not_configured' });
  });

  it('an offline function that throws is the feature\'s bug: it propagates and the call is recorded as an error', async () => {
    const { llm } = buildLlm(db, {});
    const userId = await newUser(db.pool);
    await expect(
      llm.complete({
        userId,
        feature: 'hint',
        prompt: testPrompt(),
        maxOutputTokens: 10,
        offline: () => {
          throw new Error('no canned hint for this problem');
        },
      }),
    ).rejects.toThrow('no canned hint');
    const { rows } = await db.pool.query(`SELECT outcome, error_kind FROM llm_calls WHERE user_id = $1`, [userId]);
    expect(rows).toEqual([{ outcome: 'error', error_kind: 'not_configured' }]);
  });
});

describe('the registry', () => {
  let fake: FakeOpenAiCompatible;
  beforeAll(async () => {
    fake = await startFakeOpenAiCompatible();
  });
  afterAll(() => fake.close());

  it('disables a provider with its reason and warns loudly at start-up, naming the variable', () => {
    const { llm, logs } = buildLlm(db, { OPENAI_COMPAT_BASE_URL: 'http://127.0.0.1:9/v1' });
    const byName = Object.fromEntries(llm.providers().map((p) => [p.name, p]));
    expect(byName.anthropic).toMatchObject({ enabled: false, variable: 'ANTHROPIC_API_KEY' });
    expect(byName['openai-compatible']).toMatchObject({ enabled: false, variable: 'OPENAI_COMPAT_MODELS', configured: 'partial' });
    expect(byName.offline).toMatchObject({ enabled: true });
    const warnings = logs.lines.filter((l) => l.level === 40 && l.event === 'llm.provider_disabled');
    expect(warnings.map((w) => w.provider).sort()).toEqual(['anthropic', 'openai-compatible']);
    expect(warnings.find((w) => w.provider === 'openai-compatible')!.msg).toContain('Set OPENAI_COMPAT_MODELS');
  });

  it('an optional provider nobody set up is noted quietly; a configured one is enabled, on current models', () => {
    const { llm, logs } = buildLlm(db, { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY });
    expect(llm.providers().find((p) => p.name === 'anthropic')).toMatchObject({ enabled: true, models: ['claude-sonnet-5-5', 'claude-haiku-5-5'], warnings: [] });
    const quiet = logs.lines.find((l) => l.event === 'llm.provider_disabled' && l.provider === 'openai-compatible');
    expect(quiet?.level).toBe(30);
    expect(logs.lines.filter((l) => l.event === 'llm.provider_warning')).toEqual([]);
  });

  it('a retired configured model is a start-up warning naming the variable and the replacement', () => {
    const { logs } = buildLlm(db, { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_DEFAULT_MODEL: 'claude-sonnet-4-5' });
    const warning = logs.lines.find((l) => l.event === 'llm.provider_warning');
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toBe(
      'ANTHROPIC_DEFAULT_MODEL=claude-sonnet-4-5 was RETIRED by Anthropic on 2026-11-30: every call to it fails and answers offline. Set ANTHROPIC_DEFAULT_MODEL=claude-sonnet-5-5',
    );
  });

  it('a call for a disabled provider is never moved to another paid one', async () => {
    fake.reset();
    const { llm } = buildLlm(db, { OPENAI_COMPAT_BASE_URL: fake.url, OPENAI_COMPAT_MODELS: 'm1' });
    const userId = await newUser(db.pool);
    const res = await llm.complete({ userId, feature: 'hint', prompt: testPrompt(), maxOutputTokens: 10, offline: () => ({ text: 'canned' }) });
    expect(res).toMatchObject({ source: 'offline', text: 'canned' });
    expect(fake.requests).toHaveLength(0);
    // ...but naming it explicitly works.
    fake.script(openaiCompat.completion({ content: 'from the endpoint' }));
    const named = await llm.complete({ userId, feature: 'hint', provider: 'openai-compatible', prompt: testPrompt(), maxOutputTokens: 10, offline: () => ({ text: 'canned' }) });
    expect(named).toMatchObject({ source: 'llm', text: 'from the endpoint' });
  });

  it("choosing the offline provider answers offline and says it is offline mode", async () => {
    const { llm } = buildLlm(db, {});
    const userId = await newUser(db.pool);
    const res = await llm.complete({ userId, feature: 'provider_test', provider: 'offline', prompt: testPrompt(), maxOutputTokens: 10, offline: () => ({ text: 'ready' }) });
    expect(res).toMatchObject({ source: 'offline', text: 'ready', notice: 'Offline mode; showing the offline answer' });
    expect(await callRow(db.pool, res.invocationId)).toMatchObject({ provider: 'offline', outcome: 'ok', source: 'offline' });
  });
});

describe('a spent budget', () => {
  let sentry: FakeSentry;
  beforeAll(async () => {
    sentry = await startFakeSentry();
  });
  afterAll(() => sentry.close());

  it('answers offline with the budget notice, logs llm.budget_exceeded and leaves a Sentry breadcrumb', async () => {
    const config = testConfig(db, { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_DAILY_TOKEN_CAP: '0', SENTRY_DSN: sentry.dsn });
    const reporter = createReporter(config);
    const logs = captureLogs();
    const llm = createLlm({ config, pool: db.pool, logger: logs.logger, reporter });
    const userId = await newUser(db.pool);

    const res = await llm.complete({ userId, feature: 'hint', prompt: testPrompt(), maxOutputTokens: 10, offline: () => ({ text: 'canned hint' }) });

    expect(res).toMatchObject({
      source: 'offline',
      text: 'canned hint',
      notice: 'AI budget for today is used up; resets at 00:00 UTC; showing offline hints',
    });
    expect(logs.events('llm.budget_exceeded', res.invocationId)).toMatchObject([{ userId, feature: 'hint' }]);
    reporter.capture(new Error('a later failure'));
    await reporter.flush(5000);
    const event = sentry.events.find((e) => JSON.stringify(e).includes('a later failure'));
    expect(JSON.stringify(event?.breadcrumbs)).toContain('AI budget for today used up');
  });
});
