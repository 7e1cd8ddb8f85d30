/**
 * Benchmark-run throughput: a fake OpenAI-compatible server on 127.0.0.1 answers every call after a fixed 100 ms;
 * 1,000 numeric items run at item concurrency 50 through the real path (run queue, worker, LLM layer with the
 * owner's daily-cap reservation, extraction, one fenced insert per item). The baseline is the ideal: concurrency /
 * latency items per second, and a floor measured in the same run under the same load: the same number of calls from
 * the bare `openai` SDK to the same fake at the same concurrency, with none of our code around them. Then code
 * grading through the sandbox port, separately. The load average is printed beside the figures (the machine is
 * shared; figures from a loaded machine say little about the code).
 * Run: npm run bench:runs. Env: BENCH_DATABASE_URL (default: an embedded Postgres), BENCH_ITEMS, BENCH_CONCURRENCY,
 * BENCH_CODE_GRADES (0 skips the code grading, for A/B rounds of the item path).
 * Last line: {"items_per_s":…,"ideal_per_s":…,"overhead_ms_p50":…,"code_grades_per_s":…}
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import OpenAI from 'openai';
import pg from 'pg';
import { pino } from 'pino';
import { bankDataset, type BenchItem } from '../../src/bench/dataset.js';
import { BENCH_RUN_KIND } from '../../src/bench/kinds.js';
import { insertBenchRun } from '../../src/bench/queries.js';
import { upsertUser } from '../../src/auth/queries.js';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { createLlm } from '../../src/llm/index.js';
import { loadBank } from '../../src/practice/bank.js';
import { enqueueRun } from '../../src/runs/enqueue.js';
import { getRun } from '../../src/runs/queries.js';
import { createGraderPool } from '../../dist/worker/grader/index.js';
import { createBenchRunHandler, sandboxCodeGrader } from '../../worker/handlers/bench-run.js';
import { createRegistry } from '../../worker/handlers/index.js';
import { startWorker } from '../../worker/runtime.js';
import { openaiCompat, startFakeOpenAiCompatible } from '../fakes/openai-compatible.js';
import { startTestPostgres } from '../helpers/postgres-server.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const LATENCY_MS = 100;
const CODE_GRADES = Number(process.env.BENCH_CODE_GRADES ?? 10);
const log = (m: string) => console.error(m);

function syntheticItems(n: number): BenchItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `syn-${i}`, hash: `h${i}`, kind: 'numeric' as const, topic: ['probability', 'ml-coding'][i % 2]!, difficulty: 'easy', tags: [],
    title: `Item ${i}`, statement: `What is ${i} plus one? (item syn-${i})`, answer: i + 1, tolerance: 0.001,
  }));
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** The floor: ITEMS calls from the bare SDK at CONCURRENCY, no database, no LLM layer, no grading. */
async function bareSdkPerS(url: string): Promise<number> {
  const client = new OpenAI({ apiKey: 'none', baseURL: url, maxRetries: 0 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ITEMS) {
        const i = next++;
        await client.chat.completions.create({ model: 'fake', max_tokens: 64, messages: [{ role: 'user', content: `What is ${i} plus one? (item syn-${i})` }] });
      }
    }),
  );
  return ITEMS / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const server = process.env.BENCH_DATABASE_URL ? { adminUrl: process.env.BENCH_DATABASE_URL, stop: async () => {} } : await startTestPostgres();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bench_runs_bench WITH (FORCE)');
  await admin.query('CREATE DATABASE bench_runs_bench');
  const url = Object.assign(new URL(server.adminUrl), { pathname: '/bench_runs_bench' }).toString();
  const pool = createPool(url, { max: 20 });
  await migrate(pool);
  const fake = await startFakeOpenAiCompatible();
  fake.always(openaiCompat.completion({ delayMs: LATENCY_MS, content: (body) => `Answer: ${Number(/What is (\d+) plus one/.exec(body.messages.at(-1).content)![1]) + 1}` }));
  const config = loadConfig({
    NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: url, OPENAI_COMPAT_BASE_URL: fake.url, OPENAI_COMPAT_MODELS: 'fake',
    ANTHROPIC_DAILY_TOKEN_CAP: '1000000000', WORKER_CONCURRENCY: '2', WORKER_POLL_MS: '100',
  });
  const items = syntheticItems(ITEMS);
  const byId = new Map(items.map((i) => [i.id, i]));
  const userId = randomUUID();
  await upsertUser(pool, { id: userId, email: 'bench@example.com', displayName: 'Bench' });
  const silent = pino({ level: 'silent' });
  const llm = createLlm({ config, pool, logger: silent });
  const grader = createGraderPool({ size: 1, concurrency: 1, timeLimitMs: 10_000, memoryLimitMb: 256, logger: { info() {}, warn() {} } });
  const handler = createBenchRunHandler({ db: pool, llm, code: sandboxCodeGrader(grader), resolveItems: async () => byId, pausePollMs: 1000 });
  const worker = await startWorker({ pool, databaseUrl: url, config: config.worker, registry: createRegistry([handler]), log: silent, version: 'bench' });

  log(`baseline: ${ITEMS} bare SDK calls at concurrency ${CONCURRENCY} (load average ${load()})...`);
  const baseline = await bareSdkPerS(fake.url);
  log(`  ${baseline.toFixed(0)} calls/s`);
  fake.requests.length = 0;
  log(`${ITEMS} numeric items at concurrency ${CONCURRENCY}, model latency ${LATENCY_MS} ms (load average ${load()})...`);
  const started = performance.now();
  const owner = process.env.BENCH_NO_OWNER ? null : userId;
  const { id: runId } = await enqueueRun(pool, { kind: BENCH_RUN_KIND, ownerId: owner, payload: {} });
  const benchId = await insertBenchRun(pool, {
    runId, ownerId: owner, groupId: randomUUID(), provider: 'openai-compatible', model: 'fake', dataset: 'synthetic', datasetHash: 'synthetic', seed: 'bench',
    params: { filters: {}, subset: {}, temperature: 0, maxOutputTokens: 64, concurrency: CONCURRENCY },
    items: items.map((i) => ({ id: i.id, hash: i.hash })), samples: 1, budgetUsd: null, budgetTokens: null, estimateUsd: null, estimateTokens: 0, provenance: {},
  });
  for (;;) {
    const run = await getRun(pool, runId);
    if (run && !['queued', 'running'].includes(run.status)) {
      if (run.status !== 'succeeded') throw new Error(`run ended ${run.status}: ${run.error?.message}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsedS = (performance.now() - started) / 1000;
  const { rows } = await pool.query(`SELECT verdict, count(*)::int AS n FROM bench_items WHERE bench_run_id = $1 GROUP BY verdict`, [benchId]);
  if (rows.length !== 1 || rows[0].verdict !== 'correct' || rows[0].n !== ITEMS) throw new Error(`unexpected verdicts: ${JSON.stringify(rows)}`);
  // Our time per item outside the model call: each of the CONCURRENCY slots spent elapsed·C/N per item, of which
  // LATENCY_MS was the model. Per item: time from the fake receiving the request to the row being written, minus the
  // model's latency (the after-call share), is reported too.
  const { rows: rec } = await pool.query(`SELECT item_id, extract(epoch FROM recorded_at) * 1000 AS at FROM bench_items WHERE bench_run_id = $1`, [benchId]);
  const arrival = new Map(fake.requests.map((r) => [/item (syn-\d+)/.exec(r.body.messages.at(-1).content)![1]!, r.at]));
  const afterCall = rec.map((r) => Number(r.at) - arrival.get(r.item_id)! - LATENCY_MS);
  const slotOverhead = (elapsedS * 1000 * CONCURRENCY) / ITEMS - LATENCY_MS;
  const itemsPerS = ITEMS / elapsedS;
  const ideal = CONCURRENCY / (LATENCY_MS / 1000);
  log(`  ${itemsPerS.toFixed(0)} items/s (ideal ${ideal}, bare SDK ${baseline.toFixed(0)}), ${(100 * itemsPerS / ideal).toFixed(1)}% of ideal, ${(100 * itemsPerS / baseline).toFixed(1)}% of the bare SDK; slot overhead ${slotOverhead.toFixed(1)} ms/item, after-call p50 ${p50(afterCall).toFixed(1)} ms (load average ${load()})`);
  await worker.shutdown();

  log(`code grading through the sandbox port: ${CODE_GRADES} reference solutions...`);
  const code = bankDataset(loadBank()).items.filter((i) => i.kind === 'code');
  const port = sandboxCodeGrader(grader);
  if (CODE_GRADES > 0) await grader.whenWarm();
  const t0 = performance.now();
  for (let i = 0; i < CODE_GRADES; i++) {
    const item = code[i % code.length]!;
    const r = await port.gradeCode({ itemId: item.id, cases: item.cases ?? [] }, loadBank().bySlug.get(item.id)!.solution!);
    if (r.status !== 'passed') throw new Error(`${item.id}: reference solution graded ${r.status}`);
  }
  const gradesPerS = CODE_GRADES > 0 ? CODE_GRADES / ((performance.now() - t0) / 1000) : null;
  if (gradesPerS !== null) log(`  ${gradesPerS.toFixed(2)} grades/s (pool of 1)`);
  await grader.close();
  await fake.close();
  await pool.end();
  await admin.query('DROP DATABASE IF EXISTS bench_runs_bench WITH (FORCE)');
  await admin.end();
  await server.stop();
  const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
  console.log(JSON.stringify({ items_per_s: round(itemsPerS), ideal_per_s: ideal, baseline_sdk_per_s: round(baseline), load_avg_1m: round(loadavg()[0]!), overhead_ms_p50: round(p50(afterCall)), overhead_ms_slot_mean: round(slotOverhead), code_grades_per_s: gradesPerS === null ? null : round(gradesPerS, 2) }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
