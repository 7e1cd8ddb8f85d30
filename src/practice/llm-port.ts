/**
 * The slice of the LLM provider that practice uses (hints, reviews, rubric scoring). It matches the shape of
 * llm.complete so the real provider plugs in as is; until one is configured, `offlineLlm` answers every call with
 * the caller's deterministic fallback, which is exactly what the provider does without an API key.
 */
export interface PromptSpec {
  id: string;
  version: number;
  system: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
}

export interface CompleteRequest {
  userId: string | null;
  feature: string;
  prompt: PromptSpec;
  model?: string;
  maxOutputTokens: number;
  offline: () => string | Promise<string>;
}

export interface CompleteResult {
  text: string;
  source: 'llm' | 'offline';
  notice?: string;
}

export interface LlmPort {
  complete(req: CompleteRequest): Promise<CompleteResult>;
}

export const offlineLlm: LlmPort = {
  async complete(req) {
    return { text: await req.offline(), source: 'offline' };
  },
};
