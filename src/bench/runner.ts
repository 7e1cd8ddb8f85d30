/**
 * One execution of a benchmark run (executeBenchRun in execute.ts builds it): the tasks go to the model under the
 * adaptive concurrency limit, each answer is graded and its row group-committed with the run's fence, and the spend
 * is kept against the run's budget with every call in flight charged its worst case.
 */
import { GroupCommit } from '../db/group-commit.js';
import { LlmError } from '../llm/errors.js';
import type { InvokeResult } from '../llm/types.js';
import type { BenchItem } from './dataset.js';
import type { ExecuteContext, ExecuteDeps } from './execute.js';
import { gradeReply, type Graded } from './grade.js';
import { callJudge, gradeFromJudge } from './judge-call.js';
import type { JudgeSpec } from './judge.js';
import { AdaptiveLimiter } from './limiter.js';
import { itemEstimate, offlineBaseline, promptFor } from './prompts.js';
import { recordBenchItems, type ExtraSpend, type ItemRecord, type ItemWrite } from './item-queries.js';
import { recordConcurrency, setBenchState, type BenchRunRow } from './queries.js';

/** Item-level tries for a call the LLM layer gave up on with a retryable error (it has already retried inside). */
const ITEM_TRIES = 3;

/** Resolves after `ms` or at once on abort; the listener is removed either way (a long run sleeps many times). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => (clearTimeout(t), resolve());
    const t = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export interface Task {
  item: BenchItem;
  sample: number;
}

/** The state of one execution: limiter, spend in flight, progress. */
export class Runner {
  readonly limiter: AdaptiveLimiter;
  budgetStop: string | null = null;
  #spentUsd: number;
  #spentTokens: number;
  #inflightUsd = 0;
  #inflightTokens = 0;
  #lastProgress = 0;
  #paused = false;
  readonly #writer: GroupCommit<ItemWrite>;

  constructor(
    private readonly deps: ExecuteDeps,
    private readonly ctx: ExecuteContext,
    private readonly bench: BenchRunRow,
    public done: number,
    private readonly total: number,
  ) {
    this.#spentUsd = bench.spentUsd;
    this.#spentTokens = bench.spentTokens;
    this.#writer = new GroupCommit(async (writes) => {
      if (!(await recordBenchItems(deps.db, { runId: ctx.runId, attempt: ctx.attempt, benchRunId: bench.id }, writes))) throw ctx.leaseLost();
    });
    this.limiter = new AdaptiveLimiter(bench.params.concurrency, (change) => {
      void recordConcurrency(deps.db, bench.id, change).catch(() => {});
    });
  }

  /**
   * Runs the tasks under the limiter, then waits for every call in flight, whatever happened: the handler must not
   * return (and the run be recorded as canceled or failed) while a call could still write. Each call's failure is
   * caught at once, so none is left unhandled while the loop waits for a slot; the first one stops new calls and is
   * thrown at the end.
   */
  async all(tasks: Task[]): Promise<void> {
    const running = new Set<Promise<void>>();
    let failure: { err: unknown } | null = null;
    for (const task of tasks) {
      if (failure || this.ctx.signal.aborted) break;
      try {
        await this.limiter.acquire(this.ctx.signal);
      } catch {
        break; // aborted while waiting for a slot
      }
      if (failure || this.ctx.signal.aborted) {
        this.limiter.release();
        break;
      }
      const cost = this.#worstCase(task.item);
      if (!this.#fits(cost)) {
        this.limiter.release();
        break;
      }
      this.#inflightUsd += cost.usd ?? 0;
      this.#inflightTokens += cost.tokens;
      let held = true;
      const release = () => {
        if (held) this.limiter.release();
        held = false;
      };
      const p: Promise<void> = this.#one(task, release)
        .catch((err: unknown) => void (failure ??= { err }))
        .finally(() => {
          this.#inflightUsd -= cost.usd ?? 0;
          this.#inflightTokens -= cost.tokens;
          release();
          running.delete(p);
        });
      running.add(p);
    }
    await Promise.all([...running]);
    if (failure && !this.ctx.signal.aborted) throw (failure as { err: unknown }).err;
  }

  /** What this call is expected to add to the spend (callEstimate: the same figures the creation estimate used). */
  #worstCase(item: BenchItem): { usd: number | null; tokens: number } {
    return itemEstimate(item, this.bench.model, this.bench.params);
  }

  /** Whether a call expected to cost `cost` still fits the run's budget, with every call in flight charged its estimate. */
  #fits(cost: { usd: number | null; tokens: number }): boolean {
    const { budgetUsd, budgetTokens } = this.bench;
    if (budgetUsd !== null && cost.usd !== null && this.#spentUsd + this.#inflightUsd + cost.usd > budgetUsd) {
      this.budgetStop = `Budget of $${budgetUsd} spent ($${this.#spentUsd.toFixed(4)} used)`;
      return false;
    }
    if (budgetTokens !== null && this.#spentTokens + this.#inflightTokens + cost.tokens > budgetTokens) {
      this.budgetStop = `Budget of ${budgetTokens} tokens spent (${this.#spentTokens} used)`;
      return false;
    }
    return true;
  }

  /**
   * One (item, sample): call, grade, record. The concurrency slot is given back (`release`) once the model has
   * answered and the answer is graded, before the row is written: the limit is on calls in flight, and the next call
   * need not wait for a database round trip, nor for the call's own writes (writeBehind). The item's worst-case cost
   * stays counted against the budget until its row is written (all() does that), and all() still waits for every
   * write, the call's included, before the run ends.
   */
  async #one(task: Task, release: () => void): Promise<void> {
    const { item, sample } = task;
    const prompt = promptFor(item);
    const base = {
      itemId: item.id, sample, itemHash: item.hash, kind: item.kind, topic: item.topic, promptId: prompt.id,
      promptVersion: prompt.version, prompt: prompt.messages.map((m) => m.content).join('\n\n'),
    };
    const call = await this.#tryCall(() =>
      this.deps.llm.invoke(
        this.bench.provider,
        {
          userId: this.bench.ownerId, feature: 'benchmark_run', prompt, model: this.bench.model, maxOutputTokens: this.bench.params.maxOutputTokens,
          temperature: this.bench.params.temperature, offline: () => ({ text: offlineBaseline(item) }), writeBehind: true,
        },
        this.ctx.signal,
      ),
    );
    if (!call.ok) {
      release();
      const err = call.error;
      return this.#record({
        ...base, response: null, reasoning: null, extracted: null, extraction: null, verdict: 'error', graderOutput: null, inputTokens: 0,
        outputTokens: 0, cachedTokens: 0, latencyMs: null, costUsd: null, attempts: call.tries + err.attempts - 1, errorKind: err.kind,
        errorMessage: err.message.slice(0, 2000), stopReason: null, answeredBy: null,
      }, 0);
    }
    const answer = call.value;
    const judge = item.kind === 'written' ? this.bench.params.judge : undefined;
    // A sandbox that fails (not the program in it: that is `incorrect`) makes this item an error, not the run. Only
    // the answer is graded: reasoning returned apart from it is kept, never read for an answer.
    const graded = await gradeReply(item, answer.answer, answer.stopReason, this.deps.code, judge && ((text) => this.#judge(judge, item, text))).catch(
      (err: unknown): Graded => {
        if (this.ctx.signal.aborted) throw err;
        return { verdict: 'error', extracted: null, extraction: 'none', graderOutput: { graderFailed: String(err) } };
      },
    );
    release();
    // The call's own writes (the cap's settle, its llm_calls row) go beside the item's row; both are waited for.
    const recording = this.#record({
      ...base, response: answer.answer, reasoning: answer.reasoning, extracted: graded.extracted, extraction: graded.extraction, verdict: graded.verdict,
      graderOutput: graded.graderOutput, inputTokens: answer.usage.inputTokens, outputTokens: answer.usage.outputTokens,
      cachedTokens: answer.usage.cacheReadTokens, latencyMs: answer.latencyMs, costUsd: answer.costUsd, attempts: call.tries + answer.attempts - 1,
      errorKind: graded.error?.kind ?? null, errorMessage: graded.error?.message ?? null, stopReason: answer.stopReason, answeredBy: answer.model, fingerprint: answer.fingerprint,
    }, answer.usage.inputTokens + answer.usage.outputTokens, graded.extraSpend);
    await Promise.all([recording, answer.recorded]);
  }

  /** The judge's call for a written answer, with the same retries and pauses as the answer's; a failure is an `error`. */
  async #judge(judge: JudgeSpec, item: BenchItem, answer: string): Promise<Graded> {
    const call = await this.#tryCall(() => callJudge(this.deps.llm, this.bench.ownerId, judge, item, answer, this.ctx.signal));
    if (call.ok) return gradeFromJudge(item, answer, judge, call.value);
    return {
      verdict: 'error', extracted: answer, extraction: 'whole_text', graderOutput: { judged: false, judge },
      error: { kind: `judge_${call.error.kind}`, message: call.error.message.slice(0, 2000) },
    };
  }

  /**
   * One model call with the item-level policy: the daily cap pauses and asks again (a refused call was never sent,
   * so it is not a try); a rate limit shrinks the limiter; what the LLM layer gave up on with a retryable error is
   * tried up to ITEM_TRIES times with backoff. Anything else is returned as the item's error.
   */
  async #tryCall(fn: () => Promise<InvokeResult>): Promise<{ ok: true; value: InvokeResult; tries: number } | { ok: false; error: LlmError; tries: number }> {
    let tries = 0;
    for (;;) {
      this.ctx.signal.throwIfAborted();
      tries++;
      try {
        const value = await fn();
        if (value.attempts > 1) this.limiter.throttled('retried');
        else this.limiter.succeeded();
        if (this.#paused) this.#paused = false;
        return { ok: true, value, tries };
      } catch (err) {
        if (this.ctx.signal.aborted || !(err instanceof LlmError)) throw err;
        if (err.kind === 'budget_exceeded') {
          tries--;
          await this.#pause(err.message);
          continue;
        }
        if (err.kind === 'rate_limited' || err.kind === 'overloaded') this.limiter.throttled(err.kind, err.retryAfterMs);
        if (err.retryable && tries < ITEM_TRIES) {
          await sleep(Math.max(err.retryAfterMs ?? 0, 250 * 2 ** tries), this.ctx.signal);
          continue;
        }
        return { ok: false, error: err, tries };
      }
    }
  }

  async recordChanged(ref: { id: string; hash: string }): Promise<void> {
    for (let sample = 0; sample < this.bench.samples; sample++) {
      await this.#record({
        itemId: ref.id, sample, itemHash: ref.hash, kind: 'unknown', topic: 'unknown', promptId: '-', promptVersion: '-', prompt: '',
        response: null, reasoning: null, extracted: null, extraction: null, verdict: 'error', graderOutput: null, inputTokens: 0, outputTokens: 0,
        cachedTokens: 0, latencyMs: null, costUsd: null, attempts: 0, errorKind: 'item_changed',
        errorMessage: 'The item changed (or was removed) since the run was created; it was not sent.', stopReason: null, answeredBy: null,
      }, 0);
    }
  }

  async #pause(reason: string): Promise<void> {
    if (!this.#paused) {
      this.#paused = true;
      await setBenchState(this.deps.db, this.bench.id, 'paused', `Paused: the daily token cap has no room (${reason}). It resumes by itself when the cap has room again.`);
      await this.ctx.progress(this.done, this.total, 'Paused: daily token cap reached');
    }
    await sleep(this.deps.pausePollMs, this.ctx.signal);
  }

  async #record(r: ItemRecord, tokens: number, extra?: ExtraSpend): Promise<void> {
    await this.#writer.add({ record: r, extra: extra ?? { usd: null, tokens: 0 } });
    this.#spentUsd += (r.costUsd ?? 0) + (extra?.usd ?? 0);
    this.#spentTokens += tokens + (extra?.tokens ?? 0);
    this.done++;
    // Progress is one fenced UPDATE; at most four a second keeps it off the hot path of a 1,000-item run.
    const now = Date.now();
    if (now - this.#lastProgress >= 250 || this.done === this.total) {
      this.#lastProgress = now;
      await this.ctx.progress(this.done, this.total, `${this.done} of ${this.total} items`);
    }
  }
}
