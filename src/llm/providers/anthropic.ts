/**
 * Claude through the official @anthropic-ai/sdk. The SDK's retries are off (the layer retries, see retry.ts) and
 * every setting comes from our config, never from the SDK reading the environment itself.
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { Config } from '../../config.js';
import { LlmError, parseRetryAfter } from '../errors.js';
import { costOf, maxCostOf } from '../prices.js';
import { fromSdkError } from './sdk-errors.js';
import type { ConfigCheck, LlmProvider, ModelChoice, ProviderRequest, ProviderResponse } from '../types.js';

export const ANTHROPIC = 'anthropic';
const DEFAULT_BASE_URL = 'https://api.anthropic.com';

/**
 * Retirements announced for models an operator may still have configured, with the replacement Anthropic
 * recommends (its model deprecations page; @anthropic-ai/sdk 1.12.0 lists the same date and warns on every call).
 * After the date the API refuses the model and every call falls back offline, so start-up and /admin/providers say
 * so, naming the model to set instead.
 */
export const MODEL_RETIREMENTS: Readonly<Record<string, { on: string; replacement: string }>> = {
  'claude-sonnet-4-5': { on: '2026-11-30', replacement: 'claude-sonnet-5-5' },
  'claude-sonnet-4-5-20250929': { on: '2026-11-30', replacement: 'claude-sonnet-5-5' },
};

/** The start-up and /admin/providers line for a configured model that is retired or about to be. */
export function retirementWarning(variable: string, model: string, now = new Date()): string | undefined {
  const r = MODEL_RETIREMENTS[model];
  if (!r) return undefined;
  if (now.toISOString().slice(0, 10) >= r.on) {
    return `${variable}=${model} was RETIRED by Anthropic on ${r.on}: every call to it fails and answers offline. Set ${variable}=${r.replacement}`;
  }
  return `${variable}=${model} is retired by Anthropic on ${r.on}: set ${variable}=${r.replacement} before then`;
}

interface ContentBlock {
  type?: unknown;
  text?: unknown;
  thinking?: unknown;
}

export function createAnthropicProvider(config: Pick<Config, 'anthropic' | 'llm'>): LlmProvider {
  const { apiKey, baseUrl, defaultModel, cheapModel } = config.anthropic;
  let client: Anthropic | undefined;
  // Built on first use: a provider without a key is registered (and shown as disabled) but never constructs a client.
  const getClient = () =>
    (client ??= new Anthropic({
      apiKey: apiKey ?? null,
      authToken: null,
      baseURL: baseUrl ?? DEFAULT_BASE_URL,
      maxRetries: 0,
      timeout: config.llm.timeoutMs,
      logLevel: 'off',
      openTelemetry: false,
    }));

  return {
    name: ANTHROPIC,
    paid: true,
    // The smallest limits of the models configured by default or before (Sonnet 5.5 and Haiku 5.5 allow 1M / 128k).
    capabilities: { maxInputTokens: 200_000, maxOutputTokens: 64_000, streaming: true, toolUse: true, thinking: true },

    validateConfig(): ConfigCheck {
      if (!apiKey) {
        return {
          ok: false,
          reason: 'ANTHROPIC_API_KEY is not set: AI features answer with their offline fallbacks',
          variable: 'ANTHROPIC_API_KEY',
          configured: baseUrl ? 'partial' : 'none',
        };
      }
      return { ok: true };
    },

    configWarnings(): string[] {
      const settings: [string, string][] = [
        ['ANTHROPIC_DEFAULT_MODEL', defaultModel],
        ['ANTHROPIC_CHEAP_MODEL', cheapModel],
      ];
      return settings.flatMap(([variable, model]) => retirementWarning(variable, model) ?? []);
    },

    resolveModel(choice: ModelChoice): string {
      if (choice === 'default') return defaultModel;
      if (choice === 'cheap') return cheapModel;
      return choice;
    },

    models: () => [...new Set([defaultModel, cheapModel])],

    async invoke(request: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse> {
      const started = performance.now();
      let message: unknown;
      try {
        message = await getClient().messages.create(
          {
            model: request.model,
            max_tokens: request.maxOutputTokens,
            system: request.system,
            messages: request.messages,
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          },
          { signal },
        );
      } catch (err) {
        throw toLlmError(err, signal);
      }
      return normalise(message, request, performance.now() - started);
    },

    estimateCost: (request) => maxCostOf(request),
    actualCost: (response) => costOf(response.model, response.usage),
  };
}

/** Checks the shape instead of trusting the type: a proxy or a broken gateway can answer 200 with anything. */
function normalise(message: unknown, request: ProviderRequest, latencyMs: number): ProviderResponse {
  const m = message as { content?: unknown; usage?: Record<string, unknown>; stop_reason?: unknown; model?: unknown } | null;
  if (!m || typeof m !== 'object' || !Array.isArray(m.content) || !m.usage || typeof m.usage.input_tokens !== 'number') {
    throw new LlmError('bad_response', 'anthropic answered without a message body (content and usage)', { provider: ANTHROPIC });
  }
  const text = (m.content as ContentBlock[])
    .filter((b) => b?.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('');
  const thinking = (m.content as ContentBlock[])
    .filter((b) => b?.type === 'thinking' && typeof b.thinking === 'string')
    .map((b) => b.thinking as string)
    .join('\n\n');
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    text,
    ...(thinking ? { reasoning: thinking } : {}),
    stopReason: typeof m.stop_reason === 'string' ? m.stop_reason : null,
    model: typeof m.model === 'string' ? m.model : request.model,
    usage: {
      inputTokens: n(m.usage.input_tokens),
      outputTokens: n(m.usage.output_tokens),
      cacheReadTokens: n(m.usage.cache_read_input_tokens),
      cacheWriteTokens: n(m.usage.cache_creation_input_tokens),
    },
    latencyMs,
  };
}

function toLlmError(err: unknown, signal: AbortSignal): LlmError {
  return fromSdkError(ANTHROPIC, err, signal, { APIUserAbortError, APIConnectionTimeoutError, APIConnectionError, APIError }, (e) => {
    // 529 (and a body saying overloaded_error) is Anthropic's "overloaded", distinct from 503 only in name.
    const apiError = e as unknown as APIError;
    if (e.status !== 529 && apiError.type !== 'overloaded_error') return undefined;
    return new LlmError('overloaded', `anthropic is overloaded (${e.status}): ${apiError.apiMessage ?? 'no detail'}`, {
      provider: ANTHROPIC,
      status: e.status,
      retryAfterMs: parseRetryAfter(e.headers),
      cause: e,
    });
  });
}
