/**
 * The LLM layer's public API. Features import from here:
 *
 *   const answer = await app.llm.complete({ userId, feature: 'hint', prompt: hintPrompt.build(input),
 *     maxOutputTokens: 400, offline: () => ({ text: cannedHint(problem) }) });
 *   // answer.source === 'offline' -> show answer.notice (views/partials/llm/notice.njk)
 *
 * See docs/llm.md.
 */
export { createLlm, type Llm } from './llm.js';
export { LLM_FEATURES, FEATURE_SETTINGS } from './features.js';
export { LlmError } from './errors.js';
