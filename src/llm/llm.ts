/**
 * The LLM layer every feature calls. `complete` never fails for provider reasons: when the provider is not
 * configured, the user's daily cap has no room, or the provider keeps failing, the feature's own offline function
 * answers and `notice` says why. `invoke` is for callers that must see errors: same reservation, retries and
 * telemetry, no fallback.
 *
 * The life of one call (resolve -> reserve -> attempts -> settle -> record) is in call.ts; this file assembles it
 * and decides what each entry point returns.
 */
import type { Config } from '../config.js';
import type { Queryable } from '../db/pool.js';
import type { ErrorReporter } from '../observability/reporter.js';
import { CallFailure, CallLifecycle, newContext } from './call.js';
import { fallbackNotice } from './errors.js';
import { FEATURE_SETTINGS } from './features.js';
import { ANTHROPIC } from './providers/anthropic.js';
import { OFFLINE } from './providers/offline.js';
import { loadModels, syncModels, type SyncResult } from './models.js';
import { createDefaultRegistry, type ProviderRegistry } from './registry.js';
import { defaultRetryPolicy } from './retry.js';
import type { CompleteOptions, CompleteResult, InvokeRequest, InvokeResult, LlmLogger, ProviderRequest, ProviderStatus } from './types.js';

export interface Llm {
  complete(opts: CompleteOptions): Promise<CompleteResult>;
  invoke(providerName: string, request: InvokeRequest, signal?: AbortSignal): Promise<InvokeResult>;
  providers(): ProviderStatus[];
  /** Asks each endpoint that lists its models, stores the list and makes those models callable (src/llm/models.ts). */
  syncModels(): Promise<SyncResult[]>;
  /** Makes the stored synced models callable in this process (the worker, at start and before a benchmark run). */
  loadModels(): Promise<void>;
  /** ANTHROPIC_DAILY_TOKEN_CAP: every user's cap unless the operator set their own. */
  readonly defaultDailyCap: number;
}

export interface LlmDeps {
  config: Pick<Config, 'anthropic' | 'openaiCompat' | 'llm'>;
  pool: Queryable;
  logger: LlmLogger;
  /** Budget exhaustion leaves a breadcrumb on later error reports. */
  reporter?: Pick<ErrorReporter, 'breadcrumb'>;
  /** Tests and future providers: a registry other than the built-ins. */
  registry?: ProviderRegistry;
}

export function createLlm(deps: LlmDeps): Llm {
  const registry = deps.registry ?? createDefaultRegistry(deps.config, deps.logger);
  const defaultDailyCap = deps.config.anthropic.dailyTokenCap;
  const calls = new CallLifecycle({
    pool: deps.pool,
    logger: deps.logger,
    reporter: deps.reporter,
    registry,
    policy: defaultRetryPolicy(deps.config.llm.maxRetries),
    defaultDailyCap,
  });
  return {
    complete: (opts) => complete(calls, opts, deps.reporter),
    invoke: (providerName, request, signal) => invoke(calls, providerName, request, signal),
    providers: () => registry.statuses(),
    syncModels: () => syncModels(registry, deps.pool),
    loadModels: () => loadModels(registry, deps.pool),
    defaultDailyCap,
  };
}

async function complete(calls: CallLifecycle, opts: CompleteOptions, reporter: LlmDeps['reporter']): Promise<CompleteResult> {
  const ctx = newContext(opts.userId, opts.feature, opts.prompt, opts.provider ?? ANTHROPIC, opts.requestId);
  const signal = opts.signal ?? new AbortController().signal;
  const offlineLabel = FEATURE_SETTINGS[opts.feature].offlineLabel;
  let failure: CallFailure;
  try {
    const done = await calls.callProvider(ctx, { ...opts, model: opts.model ?? FEATURE_SETTINGS[opts.feature].tier }, signal);
    const r = done.response;
    await calls.recordSuccess(ctx, done);
    if (ctx.providerName === OFFLINE) return { text: r.text, source: 'offline', notice: `Offline mode; showing ${offlineLabel}`, invocationId: ctx.invocationId };
    return { text: r.text, source: 'llm', usage: r.usage, costUsd: done.costUsd, invocationId: ctx.invocationId };
  } catch (err) {
    if (!(err instanceof CallFailure)) throw err;
    failure = err;
  }
  const { error } = failure;
  reporter?.breadcrumb('llm', `${ctx.providerName} call failed: ${error.kind}`, { feature: ctx.feature, model: failure.model });
  // Nobody is waiting for an answer to a cancelled call: record it and stop.
  if (error.extra.aborted) {
    await calls.recordFailure(ctx, failure, 'llm', 'error');
    throw error;
  }
  // The offline provider goes through the same lifecycle: its own llm.invoked / llm.completed under this id.
  try {
    const request: ProviderRequest = { model: OFFLINE, system: opts.prompt.system, messages: opts.prompt.messages, maxOutputTokens: opts.maxOutputTokens, offline: opts.offline };
    const { response } = await calls.attempt({ ...ctx, providerName: OFFLINE }, calls.registry.get(OFFLINE), request, signal);
    await calls.recordFailure(ctx, failure, 'offline', 'fallback');
    return { text: response.text, source: 'offline', notice: fallbackNotice(error.kind, offlineLabel), fallback: error.kind, invocationId: ctx.invocationId };
  } catch (offlineErr) {
    await calls.recordFailure(ctx, failure, 'offline', 'error');
    throw offlineErr;
  }
}

async function invoke(calls: CallLifecycle, providerName: string, req: InvokeRequest, signal = new AbortController().signal): Promise<InvokeResult> {
  const ctx = newContext(req.userId, req.feature, req.prompt, providerName, req.requestId);
  try {
    const done = await calls.callProvider(ctx, req, signal);
    const r = done.response;
    const recorded = calls.recordSuccess(ctx, done);
    if (!req.writeBehind) await recorded;
    return {
      text: r.text,
      answer: r.answer ?? r.text,
      reasoning: r.reasoning ?? null,
      stopReason: r.stopReason,
      model: r.model,
      usage: r.usage,
      costUsd: done.costUsd,
      latencyMs: r.latencyMs,
      attempts: done.attempts,
      invocationId: ctx.invocationId,
      fingerprint: r.fingerprint ?? null,
      recorded,
    };
  } catch (err) {
    if (!(err instanceof CallFailure)) throw err;
    await calls.recordFailure(ctx, err, 'llm', 'error');
    throw err.error;
  }
}
