/**
 * The shapes shared by the LLM layer: a prompt, a provider request, one normalised response, and the provider
 * contract every built-in (anthropic, openai-compatible, offline) implements.
 */
import type { LlmFeature } from './features.js';
import type { LlmErrorKind } from './errors.js';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A prompt as sent: its id and version (recorded on every call) and the text itself. See src/llm/prompts/. */
export interface PromptPayload {
  id: string;
  version: string;
  system: string;
  messages: ChatMessage[];
}

/** What a feature's deterministic fallback returns. Features parse it the same way they parse a model's text. */
export interface OfflineAnswer {
  text: string;
}

export type OfflineFn = () => OfflineAnswer | Promise<OfflineAnswer>;

/** 'default' and 'cheap' are resolved per provider; any other string is a provider's own model id. */
export type ModelChoice = 'default' | 'cheap' | (string & {});

/** What a provider is asked to do, with the model already resolved to the provider's id. */
export interface ProviderRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  maxOutputTokens: number;
  temperature?: number;
  /** Only the offline provider reads it. */
  offline?: OfflineFn;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** The one response shape, whichever provider answered. */
export interface ProviderResponse {
  text: string;
  /**
   * The answer part alone, when the provider separates it from reasoning: `text` falls back to the reasoning field
   * when the content is empty (right for features reading prose), this never does (benchmarks grade only answers).
   * Absent: the same as `text`.
   */
  answer?: string;
  /** Reasoning the provider returned apart from the answer (a reasoning field, thinking blocks); absent when none. */
  reasoning?: string;
  /** As the provider says it: end_turn, max_tokens, stop, length, ... ('offline' for the offline provider). */
  stopReason: string | null;
  /** The model that answered, as the provider reports it. */
  model: string;
  usage: TokenUsage;
  latencyMs: number;
  /** The backend configuration that answered, where the API says (OpenAI's system_fingerprint). */
  fingerprint?: string | null;
}

export interface ProviderCapabilities {
  /** null: the provider does not say (an arbitrary OpenAI-compatible endpoint). */
  maxInputTokens: number | null;
  maxOutputTokens: number | null;
  streaming: boolean;
  toolUse: boolean;
  thinking: boolean;
}

export type ConfigCheck =
  | { ok: true }
  | {
      ok: false;
      /** What is wrong, for the admin page and the start-up warning. */
      reason: string;
      /** The environment variable to set. */
      variable: string;
      /** 'none': nothing is set (the provider is simply off); 'partial': set up half-way, which is a mistake. */
      configured: 'none' | 'partial';
    };

export interface LlmProvider {
  readonly name: string;
  /** True for providers that cost money per call: they go through the daily token cap. */
  readonly paid: boolean;
  readonly capabilities: ProviderCapabilities;
  /** Cheap and without I/O: is the configuration complete enough to try a call? */
  validateConfig(): ConfigCheck;
  /** Cheap and without I/O: things that work today but need the operator's attention (a model being retired). */
  configWarnings?(): string[];
  /** Maps 'default' / 'cheap' / an id to this provider's model id; throws invalid_request for an unknown id. */
  resolveModel(choice: ModelChoice): string;
  /** The list shown on /admin/providers. */
  models(): string[];
  /** The endpoint's own list of models (OpenAI's GET /v1/models), where it has one. */
  listModels?(signal: AbortSignal): Promise<{ id: string; ownedBy: string | null }[]>;
  /** Makes these models callable too (synced ones); returns those that were new. */
  addModels?(ids: string[]): string[];
  /** One attempt, no retries (the caller retries): throws LlmError on failure. */
  invoke(request: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse>;
  /** The most this request can cost (worst-case input, full output), or null when the model has no price. */
  estimateCost(request: ProviderRequest): number | null;
  actualCost(response: ProviderResponse): number | null;
}

export type ProviderStatus = {
  name: string;
  paid: boolean;
  enabled: boolean;
  capabilities: ProviderCapabilities;
  models: string[];
  warnings: string[];
} & ({ enabled: true } | { enabled: false; reason: string; variable: string; configured: 'none' | 'partial' });

export interface CompleteOptions {
  userId: string;
  feature: LlmFeature;
  prompt: PromptPayload;
  /** Defaults to the feature's tier (see features.ts). */
  model?: ModelChoice;
  /** Defaults to 'anthropic'. The admin test button names another. */
  provider?: string;
  maxOutputTokens: number;
  temperature?: number;
  signal?: AbortSignal;
  offline: OfflineFn;
  /** The HTTP request id, put on the log events so a page view and its LLM calls can be joined. */
  requestId?: string;
}

export interface CompleteResult {
  text: string;
  source: 'llm' | 'offline';
  /** Set whenever the offline path answered: what happened and that the answer is offline. */
  notice?: string;
  /** Set when a model was meant to answer and could not (the cap, an outage): why the offline answer stands in. */
  fallback?: LlmErrorKind;
  usage?: TokenUsage;
  /** null: the model has no price in the table. */
  costUsd?: number | null;
  invocationId: string;
}

/** A call that must not fall back (benchmark runs): errors are thrown as LlmError. */
export interface InvokeRequest {
  /** Whose daily cap pays for it; null for operator work that no user's cap covers (recorded as such). */
  userId: string | null;
  feature: LlmFeature;
  prompt: PromptPayload;
  model: ModelChoice;
  maxOutputTokens: number;
  temperature?: number;
  requestId?: string;
  /** What the offline provider answers when it is the one named (a benchmark's fixed baseline); no fallback. */
  offline?: OfflineFn;
  /**
   * Return as soon as the answer is in, before the reservation is settled and the llm_calls row written; the caller
   * must wait for `recorded` before it reports the work done (a benchmark item, whose slot is better given back).
   */
  writeBehind?: boolean;
}

export interface InvokeResult {
  text: string;
  /** The answer without any fallback to the reasoning (ProviderResponse.answer). */
  answer: string;
  /** Separate reasoning, kept for the record; null when the provider returned none. */
  reasoning: string | null;
  stopReason: string | null;
  model: string;
  usage: TokenUsage;
  costUsd: number | null;
  latencyMs: number;
  attempts: number;
  invocationId: string;
  /** ProviderResponse.fingerprint, null when the provider gave none. */
  fingerprint: string | null;
  /** Resolves when the settle and the llm_calls row are written (at once, unless writeBehind); never rejects. */
  recorded: Promise<void>;
}

/** Enough of pino (or Fastify's logger) for the structured events. */
export interface LlmLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}
