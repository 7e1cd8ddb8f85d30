/**
 * The provider registry: the built-ins are registered and validated once at start-up. A provider whose
 * configuration is incomplete is disabled with its reason, and a loud warning names the variable to set. Asking for
 * a disabled provider is an error (not_configured); the registry never substitutes another paid provider, so a
 * typo in a key cannot silently move spend elsewhere.
 */
import type { Config } from '../config.js';
import { LlmError } from './errors.js';
import { reservationFor } from './prices.js';
import { createAnthropicProvider } from './providers/anthropic.js';
import { createOfflineProvider } from './providers/offline.js';
import { createOpenAiCompatibleProvider } from './providers/openai-compatible.js';
import type { LlmLogger, LlmProvider, ProviderRequest, ProviderStatus } from './types.js';

export class ProviderRegistry {
  private readonly entries = new Map<string, { provider: LlmProvider; status: ProviderStatus }>();

  constructor(private readonly log: LlmLogger) {}

  /** Registers and validates a provider; logs a warning when it is disabled. */
  register(provider: LlmProvider): ProviderStatus {
    if (this.entries.has(provider.name)) throw new Error(`LLM provider "${provider.name}" is registered twice`);
    const check = provider.validateConfig();
    const warnings = provider.configWarnings?.() ?? [];
    const common = { name: provider.name, paid: provider.paid, capabilities: provider.capabilities, models: provider.models(), warnings };
    const status: ProviderStatus = check.ok
      ? { ...common, enabled: true }
      : { ...common, enabled: false, reason: check.reason, variable: check.variable, configured: check.configured };
    this.entries.set(provider.name, { provider, status });
    if (status.enabled) for (const warning of warnings) this.log.warn({ event: 'llm.provider_warning', provider: provider.name }, warning);
    if (!status.enabled) {
      const fields = { event: 'llm.provider_disabled', provider: provider.name, variable: status.variable, reason: status.reason };
      // An optional provider nobody set up is not news; one set up half-way, or the main one missing, is.
      if (status.configured === 'partial' || provider.name === 'anthropic') {
        this.log.warn(fields, `LLM provider "${provider.name}" is DISABLED: ${status.reason}. Set ${status.variable} to enable it.`);
      } else {
        this.log.info(fields, `LLM provider "${provider.name}" is off (set ${status.variable} to enable it)`);
      }
    }
    return status;
  }

  /** The enabled provider, or not_configured naming the variable to set. */
  get(name: string): LlmProvider {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new LlmError('not_configured', `no LLM provider is called "${name}" (known: ${[...this.entries.keys()].join(', ')})`, {
        provider: name,
      });
    }
    if (!entry.status.enabled) {
      throw new LlmError('not_configured', `LLM provider "${name}" is disabled: ${entry.status.reason}`, { provider: name });
    }
    return entry.provider;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The model list is read now, not at registration: a sync may have added models since. */
  statuses(): ProviderStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e.status, models: e.provider.models() }));
  }

  entriesWithStatus(): { provider: LlmProvider; status: ProviderStatus }[] {
    return [...this.entries.values()];
  }
}

/** The built-ins, in the order the admin page lists them. */
export function createDefaultRegistry(config: Pick<Config, 'anthropic' | 'openaiCompat' | 'llm'>, log: LlmLogger): ProviderRegistry {
  const registry = new ProviderRegistry(log);
  registry.register(createAnthropicProvider(config));
  registry.register(createOpenAiCompatibleProvider(config));
  registry.register(createOfflineProvider());
  return registry;
}

/** A request the provider cannot take is refused before any reservation or network call. */
export function checkRequestFits(provider: LlmProvider, request: ProviderRequest): void {
  const caps = provider.capabilities;
  if (!Number.isInteger(request.maxOutputTokens) || request.maxOutputTokens < 1) {
    throw new LlmError('invalid_request', `maxOutputTokens must be a positive whole number (got ${request.maxOutputTokens})`, { provider: provider.name });
  }
  if (caps.maxOutputTokens !== null && request.maxOutputTokens > caps.maxOutputTokens) {
    throw new LlmError('invalid_request', `${provider.name} allows at most ${caps.maxOutputTokens} output tokens`, { provider: provider.name });
  }
  const input = reservationFor(request) - request.maxOutputTokens;
  if (caps.maxInputTokens !== null && input > caps.maxInputTokens) {
    throw new LlmError('invalid_request', `the prompt may be up to ${input} tokens; ${provider.name} takes ${caps.maxInputTokens}`, { provider: provider.name });
  }
}
