import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

describe('LLM configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.anthropic).toMatchObject({ defaultModel: 'claude-sonnet-5-5', cheapModel: 'claude-haiku-5-5', dailyTokenCap: 200_000 });
    expect(c.openaiCompat).toEqual({ baseUrl: undefined, apiKey: undefined, models: [] });
    expect(c.llm).toEqual({ timeoutMs: 60_000, maxRetries: 2 });
  });

  it('reads the OpenAI-compatible endpoint and its model list', () => {
    const c = loadConfig({ OPENAI_COMPAT_BASE_URL: 'https://llm.example.com/v1/', OPENAI_COMPAT_MODELS: ' a/b , qwen3:32b,, ' });
    expect(c.openaiCompat).toMatchObject({ baseUrl: 'https://llm.example.com/v1', models: ['a/b', 'qwen3:32b'] });
  });

  it.each([
    ['OPENAI_COMPAT_BASE_URL', 'not a url', /URL/],
    ['OPENAI_COMPAT_MODELS', 'good, bad model', /model names/],
    ['ANTHROPIC_DEFAULT_MODEL', 'two words', /model name/],
    ['LLM_TIMEOUT_MS', '50', /at least 100/],
    ['LLM_MAX_RETRIES', '11', /at most 10/],
  ])('rejects a bad %s and names it', (name, value, reason) => {
    const p = problems({ [name]: value });
    expect(p).toHaveLength(1);
    expect(p[0]).toContain(name);
    expect(p[0]).toMatch(reason);
  });
});
