/**
 * Any OpenAI-style chat-completions endpoint (OpenRouter, Chutes, a local vLLM) through the official `openai` SDK,
 * configured by base URL, key and model list. Used mainly by benchmark runs, which name the model explicitly.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Config } from '../../config.js';
import { LlmError } from '../errors.js';
import { costOf, maxCostOf } from '../prices.js';
import type { ConfigCheck, LlmProvider, ModelChoice, ProviderRequest, ProviderResponse } from '../types.js';
import { answerText, splitAnswer, type ChatChoiceMessage } from './reasoning.js';
import { fromSdkError } from './sdk-errors.js';

export const OPENAI_COMPATIBLE = 'openai-compatible';

export function createOpenAiCompatibleProvider(config: Pick<Config, 'openaiCompat' | 'llm'>): LlmProvider {
  const { baseUrl, apiKey } = config.openaiCompat;
  // The configured models, then any the endpoint listed (src/llm/models.ts), in the order first seen.
  const models = [...config.openaiCompat.models];
  let client: OpenAI | undefined;
  const getClient = () =>
    (client ??= new OpenAI({
      // A local vLLM needs no key, but the SDK insists on one; any placeholder is sent and ignored.
      apiKey: apiKey ?? 'none',
      baseURL: baseUrl,
      maxRetries: 0,
      timeout: config.llm.timeoutMs,
      logLevel: 'off',
    }));

  return {
    name: OPENAI_COMPATIBLE,
    paid: true,
    capabilities: { maxInputTokens: null, maxOutputTokens: null, streaming: true, toolUse: false, thinking: true },

    validateConfig(): ConfigCheck {
      if (!baseUrl) {
        return {
          ok: false,
          reason: 'OPENAI_COMPAT_BASE_URL is not set',
          variable: 'OPENAI_COMPAT_BASE_URL',
          configured: apiKey || models.length > 0 ? 'partial' : 'none',
        };
      }
      if (models.length === 0) {
        return {
          ok: false,
          reason: 'OPENAI_COMPAT_MODELS is empty: list the models this endpoint serves, comma-separated',
          variable: 'OPENAI_COMPAT_MODELS',
          configured: 'partial',
        };
      }
      return { ok: true };
    },

    // There is no cheaper sibling to pick on an arbitrary endpoint: both tiers mean the first listed model.
    resolveModel(choice: ModelChoice): string {
      if (choice === 'default' || choice === 'cheap') return models[0]!;
      if (!models.includes(choice)) {
        throw new LlmError('invalid_request', `model "${choice}" is not in OPENAI_COMPAT_MODELS (${models.join(', ')})`, {
          provider: OPENAI_COMPATIBLE,
        });
      }
      return choice;
    },

    models: () => [...models],

    listModels: (signal: AbortSignal) => listEndpointModels(getClient(), signal),
    addModels: (ids: string[]) => appendNew(models, ids),

    async invoke(request: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse> {
      const started = performance.now();
      let completion: unknown;
      try {
        completion = await getClient().chat.completions.create(
          {
            model: request.model,
            max_tokens: request.maxOutputTokens,
            messages: [{ role: 'system', content: request.system }, ...request.messages],
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          },
          { signal },
        );
      } catch (err) {
        throw toLlmError(err, signal);
      }
      return normalise(completion, request, performance.now() - started);
    },

    estimateCost: (request) => maxCostOf(request),
    actualCost: (response) => costOf(response.model, response.usage),
  };
}

function normalise(completion: unknown, request: ProviderRequest, latencyMs: number): ProviderResponse {
  const c = completion as {
    choices?: { message?: ChatChoiceMessage; finish_reason?: unknown }[];
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; prompt_tokens_details?: { cached_tokens?: unknown } };
    model?: unknown;
    system_fingerprint?: unknown;
  } | null;
  const choice = c && typeof c === 'object' && Array.isArray(c.choices) ? c.choices[0] : undefined;
  const text = choice?.message && typeof choice.message === 'object' ? answerText(choice.message) : null;
  if (text === null) {
    throw new LlmError('bad_response', 'the endpoint answered without a message in choices[0]', { provider: OPENAI_COMPATIBLE });
  }
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  // OpenAI counts cached prompt tokens inside prompt_tokens; split them out so totals are not counted twice.
  const cached = n(c?.usage?.prompt_tokens_details?.cached_tokens);
  return {
    text,
    ...splitAnswer(choice!.message!),
    stopReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
    model: typeof c?.model === 'string' && c.model ? c.model : request.model,
    usage: {
      inputTokens: Math.max(0, n(c?.usage?.prompt_tokens) - cached),
      outputTokens: n(c?.usage?.completion_tokens),
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    },
    latencyMs,
    fingerprint: typeof c?.system_fingerprint === 'string' && c.system_fingerprint ? c.system_fingerprint : null,
  };
}

/** Adds the ids `list` lacks, in order; returns them. */
function appendNew(list: string[], ids: string[]): string[] {
  const added = [...new Set(ids)].filter((id) => id && !list.includes(id));
  list.push(...added);
  return added;
}

/** GET /v1/models, every page (the SDK follows the pagination). */
async function listEndpointModels(client: OpenAI, signal: AbortSignal): Promise<{ id: string; ownedBy: string | null }[]> {
  const out: { id: string; ownedBy: string | null }[] = [];
  try {
    for await (const m of client.models.list({ signal })) out.push({ id: m.id, ownedBy: typeof m.owned_by === 'string' ? m.owned_by : null });
  } catch (err) {
    throw toLlmError(err, signal);
  }
  return out;
}

function toLlmError(err: unknown, signal: AbortSignal): LlmError {
  return fromSdkError(OPENAI_COMPATIBLE, err, signal, { APIUserAbortError, APIConnectionTimeoutError, APIConnectionError, APIError });
}
