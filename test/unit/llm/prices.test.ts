import { describe, expect, it } from 'vitest';
import { costOf, inputTokenBound, PRICE_TABLE, priceFor, reservationFor } from '../../../src/llm/prices.js';
import { ALL_PROMPTS } from '../../../src/llm/prompts/index.js';
import { definePrompt } from '../../../src/llm/prompts/define.js';

const usage = (i: number, o: number, r = 0, w = 0) => ({ inputTokens: i, outputTokens: o, cacheReadTokens: r, cacheWriteTokens: w });

describe('price table', () => {
  it('has a version and the date it was checked', () => {
    expect(PRICE_TABLE.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.checkedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('prices an alias and its dated snapshot, and nothing else', () => {
    expect(priceFor('claude-haiku-4-5')).toEqual(priceFor('claude-haiku-4-5-20251001'));
    expect(priceFor('claude-haiku-4-5')).not.toBeNull();
    expect(priceFor('claude-haiku-4-5-turbo')).toBeNull();
    expect(priceFor('qwen/qwen3-32b')).toBeNull();
  });

  it('computes cost from every token kind, and an unknown model costs null, never a guess', () => {
    // Haiku 4.5: $1 in, $5 out, $0.10 cache read, $1.25 cache write per million.
    expect(costOf('claude-haiku-4-5', usage(1_000_000, 0))).toBe(1);
    expect(costOf('claude-haiku-4-5', usage(1000, 1000, 1000, 1000))).toBeCloseTo((1000 + 5000 + 100 + 1250) / 1e6, 9);
    expect(costOf('some-local-model', usage(10, 10))).toBeNull();
  });
});

describe('token bound for reservations', () => {
  it('is at least the UTF-8 byte count (no token is shorter than a byte), plus framing', () => {
    const prompt = { system: 'sys', messages: [{ role: 'user' as const, content: 'héllo wörld ✓' }] };
    const bytes = Buffer.byteLength('sys') + Buffer.byteLength('héllo wörld ✓');
    expect(inputTokenBound(prompt)).toBeGreaterThan(bytes);
    expect(reservationFor({ ...prompt, maxOutputTokens: 100 })).toBe(inputTokenBound(prompt) + 100);
  });
});

describe('prompts', () => {
  it('each has a unique kebab-case id and a dated version', () => {
    const ids = ALL_PROMPTS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of ALL_PROMPTS) expect(p.version).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
  });

  it('refuses a prompt without a proper version', () => {
    expect(() => definePrompt({ id: 'x', version: 'v1', system: '', messages: () => [] })).toThrow(/version/);
    expect(() => definePrompt({ id: 'Bad Id', version: '2026-11-23.1', system: '', messages: () => [] })).toThrow(/kebab/);
  });

  it('build() carries id and version into the payload that is recorded', () => {
    const p = ALL_PROMPTS[0].build({ nonce: 'ready' });
    expect(p).toMatchObject({ id: 'provider-check', version: ALL_PROMPTS[0].version });
    expect(p.messages[0]!.content).toContain('ready');
  });
});
