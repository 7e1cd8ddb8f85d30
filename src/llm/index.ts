/**
 * The LLM layer's public API. Features import from here:
 *
 *   const answer = await app.llm.complete({ userId, feature: 'hint', prompt: hintPrompt.build(input),
 *     maxOutputTokens: 400, offline: () => ({ text: cannedHint(problem) }) });
 *   // answer.source === 'offline' -> show answer.notice (views/partials/llm/notice.njk)
 *
 * See docs/llm.md.
 */
export { createLlm, type Llm, type LlmDeps } from './llm.js';
export { LLM_FEATURES, FEATURE_SETTINGS, isLlmFeature, type LlmFeature } from './features.js';
export { LlmError, LLM_ERROR_KINDS, type LlmErrorKind } from './errors.js';
export { definePrompt, type PromptDefinition } from './prompts/define.js';
export { PRICE_TABLE } from './prices.js';
export { ProviderRegistry } from './registry.js';
export type {
  ChatMessage,
  CompleteOptions,
  CompleteResult,
  InvokeRequest,
  InvokeResult,
  LlmLogger,
  LlmProvider,
  ModelChoice,
  OfflineAnswer,
  PromptPayload,
  ProviderStatus,
  TokenUsage,
} from './types.js';
