/**
 * The life of one LLM call, whichever entry point (complete or invoke) made it: resolve provider and model ->
 * reserve the worst-case tokens (paid providers) -> attempts with retries -> settle the reservation to the real
 * usage and write one llm_calls row, at the same time (or, on failure, release it, then the row). The writes are
 * group-committed with other calls' (call-writes.ts). llm.ts only assembles this with a registry and decides what a
 * caller gets back.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool.js';
import type { ErrorReporter } from '../observability/reporter.js';
import type { Reservation } from './budget-queries.js';
import { CallWrites } from './call-writes.js';
import { LlmError } from './errors.js';
import { reservationFor, totalTokens } from './prices.js';
import { OFFLINE } from './providers/offline.js';
import { checkRequestFits, type ProviderRegistry } from './registry.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { createEvents, zeroUsage } from './telemetry.js';
import type { CallRecord } from './telemetry-queries.js';
import type { LlmLogger, LlmProvider, ModelChoice, PromptPayload, ProviderRequest, ProviderResponse } from './types.js';

/** What a call needs to know about itself for logs and the llm_calls row. */
export interface CallContext {
  invocationId: string;
  userId: string | null;
  feature: string;
  prompt: PromptPayload;
  providerName: string;
  requestId?: string;
  started: number;
}

export function newContext(userId: string | null, feature: string, prompt: PromptPayload, providerName: string, requestId?: string): CallContext {
  return { invocationId: randomUUID(), userId, feature, prompt, providerName, requestId, started: performance.now() };
}

export interface Attempted {
  response: ProviderResponse;
  attempts: number;
  reservedTokens: number;
  costUsd: number | null;
  /** The reservation's settle, written while the call's row is (recordSuccess waits for both); never rejects. */
  settling: Promise<void>;
}

/** A provider call that failed, with what is known about it for the record. */
export class CallFailure {
  constructor(
    readonly error: LlmError,
    readonly model: string | null,
    readonly reservedTokens: number,
  ) {}
}

export interface CallOptions {
  model: ModelChoice;
  maxOutputTokens: number;
  temperature?: number;
  offline?: ProviderRequest['offline'];
}

export interface CallDeps {
  pool: Queryable;
  logger: LlmLogger;
  reporter?: Pick<ErrorReporter, 'breadcrumb'>;
  registry: ProviderRegistry;
  policy: RetryPolicy;
  defaultDailyCap: number;
}

type RecordFields = Omit<CallRecord, 'invocationId' | 'userId' | 'feature' | 'promptId' | 'promptVersion' | 'provider' | 'latencyMs'>;

export class CallLifecycle {
  readonly events: ReturnType<typeof createEvents>;
  /** Reserves, settles and llm_calls rows, group-committed (see call-writes.ts). */
  readonly #writes: CallWrites;

  constructor(private readonly deps: CallDeps) {
    this.events = createEvents(deps.logger);
    this.#writes = new CallWrites(deps.pool, deps.defaultDailyCap);
  }

  get registry(): ProviderRegistry {
    return this.deps.registry;
  }

  logFields(ctx: CallContext) {
    return {
      invocationId: ctx.invocationId,
      userId: ctx.userId,
      feature: ctx.feature,
      promptId: ctx.prompt.id,
      promptVersion: ctx.prompt.version,
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    };
  }

  /** Writes the call's llm_calls row. A failure to write is logged, never thrown: it must not break the call. */
  async record(ctx: CallContext, r: RecordFields): Promise<void> {
    try {
      await this.#writes.record({
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
      this.events.recordFailed({ ...this.logFields(ctx), err: String(err) });
    }
  }

  async recordSuccess(ctx: CallContext, done: Attempted): Promise<void> {
    const recording = this.record(ctx, {
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
    await Promise.all([done.settling, recording]);
  }

  recordFailure(ctx: CallContext, failure: CallFailure, source: 'llm' | 'offline', outcome: 'fallback' | 'error'): Promise<void> {
    return this.record(ctx, {
      model: failure.model,
      source,
      outcome,
      errorKind: failure.error.kind,
      stopReason: null,
      usage: zeroUsage(),
      reservedTokens: failure.reservedTokens,
      costUsd: null,
      attempts: failure.error.attempts,
    });
  }

  /** One provider, with retries and the llm.invoked / llm.error / llm.completed events. */
  async attempt(ctx: CallContext, provider: LlmProvider, request: ProviderRequest, signal: AbortSignal) {
    const fields = { ...this.logFields(ctx), provider: provider.name, model: request.model };
    // The most this call can cost (null: no price), logged before it starts so a runaway is visible up front.
    this.events.invoked({ ...fields, maxOutputTokens: request.maxOutputTokens, maxCostUsd: provider.estimateCost(request) });
    const run = await withRetries(this.deps.policy, () => invokeLinked(provider, request, signal), {
      signal,
      onFailure: ({ error, attempt: n, retryInMs }) =>
        this.events.error({
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
    this.events.completed({
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
  async callProvider(ctx: CallContext, opts: CallOptions, signal: AbortSignal): Promise<Attempted> {
    let model: string | null = null;
    let reservation: Reservation | null = null;
    try {
      const provider = this.deps.registry.get(ctx.providerName);
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
      if (provider.paid && ctx.userId) reservation = await this.reserve(ctx, provider.name, request);
      const { response, attempts, costUsd } = await this.attempt(ctx, provider, request, signal);
      const settled = reservation;
      reservation = null;
      const settling = settled ? this.settle(ctx, settled, response) : Promise.resolve();
      return { response, attempts, costUsd, reservedTokens: settled?.tokens ?? 0, settling };
    } catch (err) {
      if (reservation) await this.#writes.release(reservation);
      if (err instanceof LlmError) throw new CallFailure(err, model, reservation?.tokens ?? 0);
      throw err;
    }
  }

  /** Reserves the request's worst case against the user's daily cap, or throws budget_exceeded. */
  private async reserve(ctx: CallContext, providerName: string, request: ProviderRequest): Promise<Reservation> {
    const tokens = reservationFor(request);
    const reservation = await this.#writes.reserve(ctx.userId!, tokens);
    if (reservation) return reservation;
    this.events.budgetExceeded({ ...this.logFields(ctx), provider: providerName, model: request.model, requestedTokens: tokens });
    this.deps.reporter?.breadcrumb('llm', 'AI budget for today used up', { userId: ctx.userId, feature: ctx.feature });
    throw new LlmError('budget_exceeded', `the daily token cap has no room for ${tokens} more tokens`, { provider: providerName });
  }

  /**
   * The provider has answered (and charged): a failed settle must not lose the answer. The reservation then stays
   * counted in full, which can only overstate today's usage, never let the cap be overrun.
   */
  private async settle(ctx: CallContext, reservation: Reservation, response: ProviderResponse): Promise<void> {
    await this.#writes.settle(reservation, totalTokens(response.usage)).catch((err: unknown) =>
      this.deps.logger.error(
        { err: String(err), invocationId: ctx.invocationId, reservedTokens: reservation.tokens },
        'could not settle an LLM reservation; it stays reserved for today',
      ),
    );
  }
}

/**
 * The provider gets a signal of its own, tied to the caller's only for the length of one request. The SDKs add an
 * abort listener to the signal they are given and never remove it, so a long-lived caller's signal (a benchmark
 * run's, shared by thousands of calls) would otherwise collect one listener per request until the run ends.
 */
async function invokeLinked(provider: LlmProvider, request: ProviderRequest, signal: AbortSignal) {
  signal.throwIfAborted();
  const own = new AbortController();
  const onAbort = () => own.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await provider.invoke(request, own.signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
