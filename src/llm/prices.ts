/**
 * What a call costs, from a versioned table of published list prices. A model that is not in the table has no cost
 * (null), never a guessed one: an OpenRouter or local model's price is whatever that endpoint charges.
 * When prices change, add the new figures, bump `version` and `checkedOn`; every llm_calls row records the version
 * its cost was computed with.
 */
import type { ProviderRequest, TokenUsage } from './types.js';

export interface ModelPrice {
  /** US dollars per million tokens. */
  input: number;
  output: number;
  /** Writing to the prompt cache (5-minute TTL) and reading from it. */
  cacheWrite: number;
  cacheRead: number;
}

export const PRICE_TABLE = {
  version: '2026-12-07',
  checkedOn: '2026-12-07',
  // Haiku 5.5 charges five times these rates for prompts over 100k input tokens; Bench's prompts stay far below.
  source: "Anthropic's published API pricing (standard; up to 200k input tokens, Haiku 5.5 up to 100k)",
  models: {
    'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
    'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheWrite: 0.125, cacheRead: 0.01 },
    'claude-sonnet-4-5': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
    'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  } as Readonly<Record<string, ModelPrice>>,
} as const;

/**
 * The API answers with a dated snapshot id (claude-sonnet-4-5-20250929); the table is keyed by the alias. Only an
 * exact alias or alias-plus-date matches, so a different model never borrows a price.
 */
export function priceFor(model: string): ModelPrice | null {
  const exact = PRICE_TABLE.models[model];
  if (exact) return exact;
  const dated = /^(.*)-\d{8}$/.exec(model);
  return (dated && PRICE_TABLE.models[dated[1]!]) || null;
}

export function costOf(model: string, usage: TokenUsage): number | null {
  const p = priceFor(model);
  if (!p) return null;
  const usd =
    (usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      usage.cacheWriteTokens * p.cacheWrite +
      usage.cacheReadTokens * p.cacheRead) /
    1_000_000;
  // numeric(12,6) in llm_calls: round here so the page and the table agree.
  return Math.round(usd * 1e6) / 1e6;
}

export function totalTokens(usage: TokenUsage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/** Per-message framing (role markers, separators) the tokenizers add beyond the text, generously rounded up. */
const MESSAGE_OVERHEAD = 8;
const REQUEST_OVERHEAD = 32;

/**
 * An upper bound on a request's input tokens without calling a tokenizer: byte-level BPE tokenizers never put less
 * than one byte in a token, so UTF-8 bytes plus framing cannot be exceeded. It is 3-4x the usual count for English,
 * which only makes a reservation near the cap fail a little early; it is what guarantees the settled usage (the
 * real count, at most this) never passes the cap.
 */
export function inputTokenBound(request: Pick<ProviderRequest, 'system' | 'messages'>): number {
  let bytes = Buffer.byteLength(request.system, 'utf8');
  for (const m of request.messages) bytes += Buffer.byteLength(m.content, 'utf8') + MESSAGE_OVERHEAD;
  return bytes + REQUEST_OVERHEAD;
}

/** Tokens to reserve before a call: the input bound plus every output token the call may produce. */
export function reservationFor(request: Pick<ProviderRequest, 'system' | 'messages' | 'maxOutputTokens'>): number {
  return inputTokenBound(request) + request.maxOutputTokens;
}

export function maxCostOf(request: ProviderRequest): number | null {
  return costOf(request.model, {
    inputTokens: inputTokenBound(request),
    outputTokens: request.maxOutputTokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  });
}

/** Dollars for a message: four decimals under a dollar (a run often costs fractions of a cent), two above. */
export function formatUsd(n: number): string {
  return `$${n.toFixed(n < 1 ? 4 : 2)}`;
}
