/**
 * The LLM layer every feature calls. `complete` never fails for provider reasons: when the provider is not
 * configured, the user's daily cap has no room, or the provider keeps failing, the feature's own offline function
 * answers and `notice` says why. `invoke` is for callers that must see errors (benchmark runs): same reservation,
 * retries and telemetry, no fallback.
 *
 * Life of a call: resolve provider and model -> reserve the worst-case tokens (paid providers) -> attempts with
 * retries -> settle the reservation to the real usage, or release it -> one llm_calls row.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Queryable } from '../db/pool.js';
import type { ErrorReporter } from '../observability/reporter.js';
import { releaseReservation, reserveTokens, settleReservation, type Reservation } from './budget.js';
import { fallbackNotice, LlmError } from './errors.js';
import { FEATURE_SETTINGS } from './features.js';
import { reservationFor, totalTokens } from './prices.js';
import { ANTHROPIC } from './providers/anthropic.js';
import { OFFLINE } from './providers/offline.js';
import { checkRequestFits, createDefaultRegistry, type ProviderRegistry } from './registry.js';
import { defaultRetryPolicy, withRetries, type RetryPolicy } from './retry.js';
import { createEvents, insertLlmCall, zeroUsage, type CallRecord } from './telemetry.js';
import type {
  CompleteOptions,
  CompleteResult,
  InvokeRequest,
  InvokeResult,
  LlmLogger,
  LlmProvider,
  ModelChoice,
  PromptPayload,
  ProviderRequest,
  ProviderResponse,
  ProviderStatus,
} from './types.js';

export interface Llm {
  complete(opts: CompleteOptions): Promise<CompleteResult>;
  invoke(providerName: string, request: InvokeRequest, signal?: AbortSignal): Promise<InvokeResult>;
  providers(): ProviderStatus[];
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

/** What a call needs to know about itself for logs and the llm_calls row. */
interface CallContext {
  invocationId: string;
  userId: string | null;
  feature: string;
  prompt: PromptPayload;
  providerName: string;
  requestId?: string;
  started: number;
}

interface Attempted {
  response: ProviderResponse;
  attempts: number;
  reservedTokens: number;
  costUsd: number | null;
}

/** A provider call that failed, with what is known about it for the record. */
class CallFailure {
  constructor(
    readonly error: LlmError,
    readonly model: string | null,
    readonly reservedTokens: number,
  ) {}
}

export function createLlm(deps: LlmDeps): Llm {
  const registry = deps.registry ?? createDefaultRegistry(deps.config, deps.logger);
  const events = createEvents(deps.logger);
  const policy: RetryPolicy = defaultRetryPolicy(deps.config.llm.maxRetries);
  const defaultDailyCap = deps.config.anthropic.dailyTokenCap;

  const logFields = (ctx: CallContext) => ({
    invocationId: ctx.invocationId,
    userId: ctx.userId,
    feature: ctx.feature,
    promptId: ctx.prompt.id,
    promptVersion: ctx.prompt.version,
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });

  async function record(ctx: CallContext, r: Omit<CallRecord, 'invocationId' | 'userId' | 'feature' | 'promptId' | 'promptVersion' | 'provider' | 'latencyMs'>) {
    try {
      await insertLlmCall(deps.pool, {
        ...r,
        invocationId: ctx.invocationId,
        userId: ctx.userId,
        feature: ctx.feature,
        provider: ctx.providerName,
        promptId: ctx.prompt.id,
        promptVersion: ctx.prompt.version,
        latencyMs: performance.now() - ctx.started,
      });
    } catch (err) {
      events.recordFailed({ ...logFields(ctx), err: String(err) });
    }
  }

  const recordSuccess = (ctx: CallContext, done: Attempted) =>
    record(ctx, {
      model: done.response.model,
      source: ctx.providerName === OFFLINE ? 'offline' : 'llm',
      outcome: 'ok',
      errorKind: null,
      stopReason: done.response.stopReason,
      usage: done.response.usage,
      reservedTokens: done.reservedTokens,
      costUsd: done.costUsd,
      attempts: done.attempts,
    });

  /** One provider, with retries and the llm.invoked / llm.error / llm.completed events. */
  async function attempt(ctx: CallContext, provider: LlmProvider, request: ProviderRequest, signal: AbortSignal) {
    const fields = { ...logFields(ctx), provider: provider.name, model: request.model };
    // The most this call can cost (null: no price), logged before it starts so a runaway is visible up front.
    events.invoked({ ...fields, maxOutputTokens: request.maxOutputTokens, maxCostUsd: provider.estimateCost(request) });
    const run = await withRetries(policy, () => provider.invoke(request, signal), {
      signal,
      onFailure: ({ error, attempt: n, retryInMs }) =>
        events.error({
          ...fields,
          kind: error.kind,
          retryable: error.retryable,
          status: error.extra.status,
          attempt: n,
          willRetry: retryInMs !== undefined,
          retryInMs,
          message: error.message,
        }),
    });
    const costUsd = provider.actualCost(run.value);
    events.completed({
      ...fields,
      model: run.value.model,
      source: provider.name === OFFLINE ? 'offline' : 'llm',
      ...run.value.usage,
      costUsd,
      latencyMs: Math.round(run.value.latencyMs),
      attempts: run.attempts,
      stopReason: run.value.stopReason,
    });
    return { response: run.value, attempts: run.attempts, costUsd };
  }

  /**
   * Resolve, reserve, attempt, settle. Throws CallFailure (with the reservation already released) for every
   * provider-side failure; other errors (the database is down) propagate as they are.
   */
  async function callProvider(
    ctx: CallContext,
    opts: { model: ModelChoice; maxOutputTokens: number; temperature?: number; offline?: ProviderRequest['offline'] },
    signal: AbortSignal,
  ): Promise<Attempted> {
    let model: string | null = null;
    let reservation: Reservation | null = null;
    try {
      const provider = registry.get(ctx.providerName);
      model = provider.resolveModel(opts.model);
      const request: ProviderRequest = {
        model,
        system: ctx.prompt.system,
        messages: ctx.prompt.messages,
        maxOutputTokens: opts.maxOutputTokens,
        temperature: opts.temperature,
        offline: opts.offline,
      };
      checkRequestFits(provider, request);
      if (provider.paid && ctx.userId) {
        const tokens = reservationFor(request);
        reservation = await reserveTokens(deps.pool, ctx.userId, tokens, defaultDailyCap);
        if (!reservation) {
          events.budgetExceeded({ ...logFields(ctx), provider: provider.name, model, requestedTokens: tokens });
          deps.reporter?.breadcrumb('llm', 'AI budget for today used up', { userId: ctx.userId, feature: ctx.feature });
          throw new LlmError('budget_exceeded', `the daily token cap has no room for ${tokens} more tokens`, { provider: provider.name });
        }
      }
      const { response, attempts, costUsd } = await attempt(ctx, provider, request, signal);
      if (reservation) {
        const settled = reservation;
        reservation = null;
        // The provider has answered (and charged): a failed settle must not lose the answer. The reservation then
        // stays counted in full, which can only overstate today's usage, never let the cap be overrun.
        await settleReservation(deps.pool, settled, totalTokens(response.usage)).catch((err: unknown) =>
          deps.logger.error({ err: String(err), invocationId: ctx.invocationId, reservedTokens: settled.tokens },
            'could not settle an LLM reservation; it stays reserved for today'),
        );
        return { response, attempts, costUsd, reservedTokens: settled.tokens };
      }
      return { response, attempts, costUsd, reservedTokens: 0 };
    } catch (err) {
      if (reservation) await releaseReservation(deps.pool, reservation);
      if (err instanceof LlmError) throw new CallFailure(err, model, reservation?.tokens ?? 0);
      throw err;
    }
  }

  async function complete(opts: CompleteOptions): Promise<CompleteResult> {
    const ctx = newContext(opts.userId, opts.feature, opts.prompt, opts.provider ?? ANTHROPIC, opts.requestId);
    const signal = opts.signal ?? new AbortController().signal;
    const offlineLabel = FEATURE_SETTINGS[opts.feature].offlineLabel;
    let failure: CallFailure;
    try {
      const done = await callProvider(ctx, { ...opts, model: opts.model ?? FEATURE_SETTINGS[opts.feature].tier }, signal);
      const r = done.response;
      const offline = ctx.providerName === OFFLINE;
      await recordSuccess(ctx, done);
      if (offline) return { text: r.text, source: 'offline', notice: `Offline mode; showing ${offlineLabel}`, invocationId: ctx.invocationId };
      return { text: r.text, source: 'llm', usage: r.usage, costUsd: done.costUsd, invocationId: ctx.invocationId };
    } catch (err) {
      if (!(err instanceof CallFailure)) throw err;
      failure = err;
    }
    const { error } = failure;
    deps.reporter?.breadcrumb('llm', `${ctx.providerName} call failed: ${error.kind}`, { feature: ctx.feature, model: failure.model });
    const failed = {
      model: failure.model,
      errorKind: error.kind,
      stopReason: null,
      usage: zeroUsage(),
      reservedTokens: failure.reservedTokens,
      costUsd: null,
      attempts: error.attempts,
    };
    // Nobody is waiting for an answer to a cancelled call: record it and stop.
    if (error.extra.aborted) {
      await record(ctx, { ...failed, source: 'llm', outcome: 'error' });
      throw error;
    }
    // The offline provider goes through the same lifecycle: its own llm.invoked / llm.completed under this id.
    try {
      const request: ProviderRequest = { model: OFFLINE, system: opts.prompt.system, messages: opts.prompt.messages, maxOutputTokens: opts.maxOutputTokens, offline: opts.offline };
      const { response } = await attempt({ ...ctx, providerName: OFFLINE }, registry.get(OFFLINE), request, signal);
      await record(ctx, { ...failed, source: 'offline', outcome: 'fallback' });
      return { text: response.text, source: 'offline', notice: fallbackNotice(error.kind, offlineLabel), invocationId: ctx.invocationId };
    } catch (offlineErr) {
      await record(ctx, { ...failed, source: 'offline', outcome: 'error' });
      throw offlineErr;
    }
  }

  async function invoke(providerName: string, req: InvokeRequest, signal = new AbortController().signal): Promise<InvokeResult> {
    const ctx = newContext(req.userId, req.feature, req.prompt, providerName, req.requestId);
    try {
      const done = await callProvider(ctx, req, signal);
      const r = done.response;
      await recordSuccess(ctx, done);
      return {
        text: r.text,
        stopReason: r.stopReason,
        model: r.model,
        usage: r.usage,
        costUsd: done.costUsd,
        latencyMs: r.latencyMs,
        attempts: done.attempts,
        invocationId: ctx.invocationId,
      };
    } catch (err) {
      if (!(err instanceof CallFailure)) throw err;
      await record(ctx, {
        model: err.model,
        source: 'llm',
        outcome: 'error',
        errorKind: err.error.kind,
        stopReason: null,
        usage: zeroUsage(),
        reservedTokens: err.reservedTokens,
        costUsd: null,
        attempts: err.error.attempts,
      });
      throw err.error;
    }
  }

  return { complete, invoke, providers: () => registry.statuses(), defaultDailyCap };
}

function newContext(userId: string | null, feature: string, prompt: PromptPayload, providerName: string, requestId?: string): CallContext {
  return { invocationId: randomUUID(), userId, feature, prompt, providerName, requestId, started: performance.now() };
}
