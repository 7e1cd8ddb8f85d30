/**
 * The slice of the LLM layer (src/llm) practice uses: hints, code reviews and rubric scoring all go through
 * `complete`, which falls back to the caller's offline answer when no model is available or the cap is reached.
 */
import type { Llm } from '../llm/index.js';

export type LlmPort = Pick<Llm, 'complete'>;
