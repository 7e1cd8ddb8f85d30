/** The slice of the LLM layer the career tools use: `complete`, which answers offline when no model can. */
import type { Llm } from '../llm/index.js';

export type LlmPort = Pick<Llm, 'complete'>;
