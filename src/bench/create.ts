/**
 * Creating benchmark runs: one validation for the page, the JSON API and the CLI. Several models make one run each,
 * with the same seed and items, grouped for comparison. Before anything is enqueued: the cost estimate against the
 * run's budget and BENCH_MAX_RUN_COST_USD, and a one-token probe of each paid model so a bad key or model name is
 * reported now rather than as a failed run.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import type { CurrentUser } from '../auth/current-user.js';
import type { Config } from '../config.js';
import { withTransaction } from '../db/pool.js';
import { LlmError } from '../llm/errors.js';
import type { Llm } from '../llm/index.js';
import { providerCheckPrompt } from '../llm/prompts/provider-check.js';
import { formatUsd as usd } from '../llm/prices.js';
import { enqueueRun } from '../runs/enqueue.js';
import { BANK_DATASET, filterItems, findDataset, type BenchItem } from './dataset.js';
import { BENCH_RUN_KIND } from './kinds.js';
import { itemEstimate, promptVersions } from './prompts.js';
import { insertBenchRun, type BenchParams } from './queries.js';
import { freshSeed, seededSubset, subsetSize } from './sampling.js';

const modelSpec = z.string().trim().regex(/^[a-z][a-z0-9-]*\/[\w.:@/-]+$/, 'each model is written provider/model, e.g. offline/offline');
const names = z.array(z.string().trim().min(1).max(64)).max(50).default([]);

export const createRunSchema = z
  .object({
    models: z.array(modelSpec).min(1, 'choose at least one model').max(5, 'at most five models per request'),
    judge: modelSpec.optional(),
    dataset: z.string().trim().default(BANK_DATASET),
    kinds: names,
    topics: names,
    difficulties: names,
    tags: names,
    count: z.number().int().min(1, 'must be at least 1').max(100_000).optional(),
    percent: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100').optional(),
    seed: z.string().trim().regex(/^[\w-]{1,64}$/, 'letters, digits, - and _ only (up to 64)').optional(),
    samples: z.number().int().min(1).max(20, 'must be at most 20').default(1),
    temperature: z.number().min(0).max(2, 'must be between 0 and 2').default(0),
    maxOutputTokens: z.number().int().min(16, 'must be at least 16').max(32_000, 'must be at most 32000').default(1024),
    concurrency: z.number().int().min(1).max(64, 'must be at most 64').default(4),
    budgetUsd: z.number().positive('must be more than 0').optional(),
    budgetTokens: z.number().int().positive('must be more than 0').optional(),
    exceedMaxCost: z.boolean().default(false),
  })
  .strict()
  .refine((v) => v.count === undefined || v.percent === undefined, { message: 'give a count or a percentage, not both', path: ['count'] });

type CreateRunInput = z.input<typeof createRunSchema>;

/** A validation failure, with the field it belongs to so a form can show it beside that field. */
export class CreateRunError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'CreateRunError';
  }
}

export interface Estimate {
  items: number;
  calls: number;
  tokens: number;
  /** null: the model has no price in the table. */
  usd: number | null;
}

/**
 * The run's expected tokens and their list price (itemEstimate per call: the answer, and the judge's call for a
 * written item); usd is null when the model or the judge has no price.
 */
export function estimateRun(items: BenchItem[], samples: number, model: string, paid: boolean, params: { maxOutputTokens: number; judge?: { model: string } }): Estimate {
  let tokens = 0;
  let usd: number | null = 0;
  for (const item of items) {
    const e = itemEstimate(item, model, params, paid);
    tokens += e.tokens * samples;
    usd = usd === null || e.usd === null ? null : usd + e.usd * samples;
  }
  const judged = params.judge ? items.filter((i) => i.kind === 'written').length * samples : 0;
  return { items: items.length, calls: items.length * samples + judged, tokens, usd: usd === null ? null : Math.round(usd * 1e6) / 1e6 };
}

export interface CreateDeps {
  pool: pg.Pool;
  llm: Pick<Llm, 'invoke' | 'providers'>;
  /** remote: runs created while BENCH_REMOTE=fly are marked remote (docs/dispatch.md). */
  config: Pick<Config, 'bench' | 'version' | 'remote'>;
}

export interface Created {
  groupId: string;
  seed: string;
  runs: { id: string; runId: string; model: string; estimate: Estimate }[];
}

export function parseCreateInput(raw: unknown): z.infer<typeof createRunSchema> {
  const parsed = createRunSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CreateRunError(String(issue.path[0] ?? 'form'), issue.message);
  }
  return parsed.data;
}

export async function createRuns(deps: CreateDeps, user: CurrentUser, raw: unknown): Promise<Created> {
  const input = parseCreateInput(raw);
  if (input.exceedMaxCost && !user.isAdmin) throw new CreateRunError('exceedMaxCost', 'only an admin may exceed the per-run cost limit');
  const dataset = await findDataset(deps.pool, input.dataset);
  if (!dataset) throw new CreateRunError('dataset', `no dataset is called "${input.dataset}"`);
  const pool = filterItems(dataset.items, input);
  if (pool.length === 0) throw new CreateRunError('kinds', 'no item matches these filters');
  const seed = input.seed ?? freshSeed();
  const items = seededSubset(pool, seed, subsetSize(pool.length, input));
  const statuses = new Map(deps.llm.providers().map((p) => [p.name, p]));
  const judge = input.judge ? resolveJudge(statuses, input.judge) : undefined;
  const plans = input.models.map((spec) => {
    const { provider, model, paid } = resolveModel(statuses, spec, 'models');
    const estimate = estimateRun(items, input.samples, model, paid, { maxOutputTokens: input.maxOutputTokens, ...(judge ? { judge } : {}) });
    checkBudget(spec, estimate, paid || Boolean(judge), input, user, deps.config.bench.maxRunCostUsd);
    return { spec, provider, model, paid, estimate };
  });
  for (const plan of plans) if (plan.paid) await probe(deps.llm, user, plan.spec, plan.provider, plan.model, 'models');
  if (judge) await probe(deps.llm, user, input.judge!, judge.provider, judge.model, 'judge');

  const params: BenchParams = {
    filters: { kinds: input.kinds, topics: input.topics, difficulties: input.difficulties, tags: input.tags },
    subset: { count: input.count, percent: input.percent },
    temperature: input.temperature,
    maxOutputTokens: input.maxOutputTokens,
    concurrency: input.concurrency,
    ...(judge ? { judge } : {}),
  };
  const groupId = randomUUID();
  const refs = items.map((i) => ({ id: i.id, hash: i.hash }));
  // One transaction: the worker is woken at commit, so it never claims a run whose benchmark record is not there yet.
  const runs = await withTransaction(deps.pool, async (client) => {
    const out: Created['runs'] = [];
    for (const plan of plans) {
      const { id: runId } = await enqueueRun(client, { kind: BENCH_RUN_KIND, ownerId: user.id, payload: {}, maxAttempts: 5 });
      const id = await insertBenchRun(client, {
        runId, ownerId: user.id, groupId, provider: plan.provider, model: plan.model, dataset: dataset.name, datasetHash: dataset.hash,
        seed, params, items: refs, samples: input.samples, budgetUsd: input.budgetUsd ?? null, budgetTokens: input.budgetTokens ?? null,
        estimateUsd: plan.estimate.usd, estimateTokens: plan.estimate.tokens, remote: deps.config.remote !== null,
        provenance: { appVersion: deps.config.version, promptVersions: promptVersions(), provider: plan.provider, model: plan.model, datasetHash: dataset.hash, seed, params, judge: judge ?? null },
      });
      out.push({ id, runId, model: plan.spec, estimate: plan.estimate });
    }
    return out;
  });
  return { groupId, seed, runs };
}

function checkBudget(spec: string, e: Estimate, paid: boolean, input: z.infer<typeof createRunSchema>, user: CurrentUser, maxUsd: number): void {
  const est = `estimated ${e.tokens.toLocaleString('en-US')} tokens${e.usd === null ? ', price unknown' : ` and ${usd(e.usd)}`} for ${e.calls} calls`;
  if (paid && e.usd === null && input.budgetTokens === undefined) {
    throw new CreateRunError('budgetTokens', `${spec} has no known price: set a token budget for the run (${est})`);
  }
  if (e.usd !== null && input.budgetUsd !== undefined && e.usd > input.budgetUsd) {
    throw new CreateRunError('budgetUsd', `${spec}: ${est}, over the budget of ${usd(input.budgetUsd)}`);
  }
  if (input.budgetTokens !== undefined && e.tokens > input.budgetTokens) {
    throw new CreateRunError('budgetTokens', `${spec}: ${est}, over the budget of ${input.budgetTokens.toLocaleString('en-US')} tokens`);
  }
  if (e.usd !== null && e.usd > maxUsd && !(user.isAdmin && input.exceedMaxCost)) {
    throw new CreateRunError('budgetUsd', `${spec}: ${est}, over the per-run limit of ${usd(maxUsd)} (BENCH_MAX_RUN_COST_USD)${user.isAdmin ? '; tick "exceed the limit" to run it anyway' : ''}`);
  }
}

type Statuses = Map<string, ReturnType<Llm['providers']>[number]>;

function resolveModel(statuses: Statuses, spec: string, field: string): { provider: string; model: string; paid: boolean } {
  const slash = spec.indexOf('/');
  const provider = spec.slice(0, slash);
  const model = spec.slice(slash + 1);
  const status = statuses.get(provider);
  if (!status) throw new CreateRunError(field, `${spec}: no provider is called "${provider}" (known: ${[...statuses.keys()].join(', ')})`);
  if (!status.enabled) throw new CreateRunError(field, `${spec}: provider "${provider}" is disabled: ${status.reason}`);
  if (!status.models.includes(model)) throw new CreateRunError(field, `${spec}: "${model}" is not one of ${provider}'s models (${status.models.join(', ')})`);
  return { provider, model, paid: status.paid };
}

/** A judge must be a real model: the offline provider would only echo a baseline, which is no judgement. */
function resolveJudge(statuses: Statuses, spec: string): { provider: string; model: string } {
  const { provider, model, paid } = resolveModel(statuses, spec, 'judge');
  if (!paid) throw new CreateRunError('judge', `${spec} cannot judge: leave the judge empty for the offline keyword estimate`);
  return { provider, model };
}

/** One token through the same path a run uses (and the same daily cap), so a bad key or model fails here. */
async function probe(llm: Pick<Llm, 'invoke'>, user: CurrentUser, spec: string, provider: string, model: string, field: string): Promise<void> {
  try {
    await llm.invoke(provider, { userId: user.id, feature: 'provider_test', prompt: providerCheckPrompt.build({ nonce: 'ready' }), model, maxOutputTokens: 1 });
  } catch (err) {
    if (err instanceof LlmError) throw new CreateRunError(field, `${spec}: the model check failed (${err.kind}): ${err.message}`);
    throw err;
  }
}
