/**
 * The offline provider: no network, no cost, always enabled. It answers with the calling feature's own
 * deterministic fallback (canned hints, keyword matching...), and goes through the same telemetry as the others.
 */
import { LlmError } from '../errors.js';
import { abortError } from '../retry.js';
import type { LlmProvider, ProviderRequest, ProviderResponse } from '../types.js';
import { zeroUsage } from '../telemetry.js';

export const OFFLINE = 'offline';

export function createOfflineProvider(): LlmProvider {
  return {
    name: OFFLINE,
    paid: false,
    capabilities: { maxInputTokens: null, maxOutputTokens: null, streaming: false, toolUse: false, thinking: false },
    validateConfig: () => ({ ok: true }),
    resolveModel: () => OFFLINE,
    models: () => [OFFLINE],

    async invoke(request: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse> {
      if (signal.aborted) throw abortError();
      if (!request.offline) {
        throw new LlmError('invalid_request', 'the offline provider needs the feature to pass its offline function', {
          provider: OFFLINE,
        });
      }
      const started = performance.now();
      const answer = await request.offline();
      return { text: answer.text, stopReason: 'offline', model: OFFLINE, usage: zeroUsage(), latencyMs: performance.now() - started };
    },

    estimateCost: () => 0,
    actualCost: () => 0,
  };
}
