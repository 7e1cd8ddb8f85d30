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
 * Retirement dates announced for models an operator may still have configured, as listed by @anthropic-ai/sdk
 * 1.12.0 (which also prints a console warning on every call to one). After the date the API refuses the model and
 * every call falls back offline, so start-up and /admin/providers say so in advance.
 */
export const MODEL_RETIREMENTS: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': '2026-11-30',
  'claude-sonnet-4-5-20250929': '2026-11-30',
};

interface ContentBlock {
  type?: unknown;
  text?: unknown;
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
    // Sonnet 4.5 and Haiku 4.5: 200k context, 64k output.
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
      return settings
        .filter(([, model]) => MODEL_RETIREMENTS[model])
        .map(([variable, model]) => `${model} is retired by Anthropic on ${MODEL_RETIREMENTS[model]}: set ${variable} to a current model before then`);
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
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    text,
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
