/**
 * Benchmark-run throughput: a fake OpenAI-compatible server on 127.0.0.1 answers every call after a fixed 100 ms;
 * 1,000 numeric items run at item concurrency 50 through the real path (run queue, worker, LLM layer with the
 * owner's daily-cap reservation, extraction, the fenced, group-committed item rows). The baseline is the ideal: concurrency /
 * latency items per second, and a floor measured in the same round under the same load: the same number of calls from
 * the bare `openai` SDK to the same fake at the same concurrency, with none of our code around them. The machine is
 * shared and its speed drifts, so the script runs BENCH_ROUNDS rounds (default 3) of "bare SDK, then items" and
 * reports the median round with the range. The model call ends when the fake hands its answer to the socket: how
 * late the fake itself was past 100 ms is printed apart, as the model's side. Then code grading through the sandbox
 * port, separately. The load average is printed beside the figures, and so is the share of all cores busy during
 * each phase: when it nears 100%, the machine is the limit. The fake provider runs in a process of its own, as a real
 * one would, and the rounds follow a warm-up of BENCH_WARMUP calls / items (connections opened, code compiled), as a
 * long-running worker is warm; the warm-up run's own figures are printed as a fresh worker's.
 * Run: npm run bench:runs. Env: BENCH_DATABASE_URL (default: an embedded Postgres), BENCH_ITEMS, BENCH_CONCURRENCY,
 * BENCH_WARMUP (default 1000), BENCH_ROUNDS (default 3), BENCH_CODE_GRADES (0 skips the code grading, for A/B rounds of
 * the item path), BENCH_PROFILE=<file> (a CPU profile of this process during the last item round), BENCH_NO_OWNER=1
 * (runs with no owner, so no daily-cap reservation or settle: what the cap's writes cost).
 * Last line: {"items_per_s":…,"ideal_per_s":…,"overhead_ms_p50":…,"code_grades_per_s":…} (medians of the rounds)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
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
import { createPool, withTransaction } from '../../src/db/pool.js';
import { createLlm } from '../../src/llm/index.js';
import { loadBank } from '../../src/practice/bank.js';
import { enqueueRun } from '../../src/runs/enqueue.js';
import { getRun } from '../../src/runs/queries.js';
import { createGraderPool } from '../../dist/worker/grader/index.js';
import { createBenchRunHandler, sandboxCodeGrader } from '../../worker/handlers/bench-run.js';
import { createRegistry } from '../../worker/handlers/index.js';
import { startWorker } from '../../worker/runtime.js';
import { startTestPostgres } from '../helpers/postgres-server.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const LATENCY_MS = 100;
const CODE_GRADES = Number(process.env.BENCH_CODE_GRADES ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const log = (m: string) => console.error(m);

function syntheticItems(n: number, from = 0): BenchItem[] {
  return Array.from({ length: n }, (_, k) => from + k).map((i) => ({
    id: `syn-${i}`, hash: `h${i}`, kind: 'numeric' as const, topic: ['probability', 'ml-coding'][i % 2]!, difficulty: 'easy', tags: [],
    title: `Item ${i}`, statement: `What is ${i} plus one? (item syn-${i})`, answer: i + 1, tolerance: 0.001,
  }));
}

interface Fake {
  url: string;
  ask<T>(m: string | null, key: string): Promise<T>;
}

/** The fake provider in its own process (fake-provider-process.ts), so its CPU is not counted as ours. */
async function startProvider(): Promise<Fake & { close(): Promise<void> }> {
  const child: ChildProcess = fork(new URL('./fake-provider-process.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'], env: { ...process.env, FAKE_LATENCY_MS: String(LATENCY_MS) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(m: string | null, key: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the fake provider exited (${code})`));
      const onMessage = (msg: Record<string, T>) => {
        if (!(key in msg)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(msg[key]!);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      if (m) child.send(m);
    });
  const url = await ask<string>(null, 'url');
  return { url, ask, close: () => new Promise<void>((r) => { child.once('exit', () => r()); child.send('close'); }) };
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Busy share of all cores since `from` (from /proc/stat; null where there is none): is the machine the limit? */
const cpuTicks = (): [number, number] | null => {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return [f.reduce((a, b) => a + b, 0), f[3]! + (f[4] ?? 0)];
  } catch {
    return null;
  }
};
const busySince = (from: [number, number] | null) => {
  const now = cpuTicks();
  return from && now ? 1 - (now[1] - from[1]) / (now[0] - from[0]) : null;
};
/** This process's CPU (all its threads, user + system) since `from`, per unit of work. */
const cpuMsPer = (from: NodeJS.CpuUsage, n: number) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000 / n;
};
const pct = (x: number | null) => (x === null ? 'unknown' : `${(100 * x).toFixed(0)}%`);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/**
 * The floor: n calls from the bare SDK at CONCURRENCY, no database, no LLM layer, no grading. Also when each answer
 * was back in hand (Date.now(), by item id), so the SDK's own share of the after-call figure can be shown.
 */
async function bareSdk(url: string, n: number): Promise<{ perS: number; returned: Map<string, number> }> {
  const client = new OpenAI({ apiKey: 'none', baseURL: url, maxRetries: 0 });
  const returned = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        const i = next++;
        await client.chat.completions.create({ model: 'fake', max_tokens: 64, messages: [{ role: 'user', content: `What is ${i} plus one? (item syn-${i})` }] });
        returned.set(`syn-${i}`, Date.now());
      }
    }),
  );
  return { perS: n / ((performance.now() - started) / 1000), returned };
}

/**
 * Enqueues a benchmark run over `items` and waits until it has succeeded. Its time runs from just before the enqueue
 * to the run's finished_at as the worker recorded it (not to when this loop's poll noticed).
 */
async function runItems(pool: pg.Pool, items: BenchItem[], owner: string | null): Promise<{ elapsedS: number; benchId: string; startedAt: number; finishedAt: number }> {
  const startedAt = Date.now();
  // One transaction, as src/bench/create.ts does: a warm worker would claim a run whose record is not there yet.
  const { runId, benchId } = await withTransaction(pool, async (client) => {
    const { id } = await enqueueRun(client, { kind: BENCH_RUN_KIND, ownerId: owner, payload: {} });
    const bench = await insertBenchRun(client, {
      runId: id, ownerId: owner, groupId: randomUUID(), provider: 'openai-compatible', model: 'fake', dataset: 'synthetic', datasetHash: 'synthetic', seed: 'bench',
      params: { filters: {}, subset: {}, temperature: 0, maxOutputTokens: 64, concurrency: CONCURRENCY },
      items: items.map((i) => ({ id: i.id, hash: i.hash })), samples: 1, budgetUsd: null, budgetTokens: null, estimateUsd: null, estimateTokens: 0, provenance: {},
    });
    return { runId: id, benchId: bench };
  });
  for (;;) {
    const run = await getRun(pool, runId);
    if (run && !['queued', 'running'].includes(run.status)) {
      if (run.status !== 'succeeded') throw new Error(`run ended ${run.status}: ${run.error?.message}`);
      const { rows: [fin] } = await pool.query(`SELECT extract(epoch FROM finished_at) * 1000 AS at FROM runs WHERE id = $1`, [runId]);
      return { elapsedS: (Number(fin.at) - startedAt) / 1000, benchId, startedAt, finishedAt: Number(fin.at) };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** When each item's request reached the fake and when its answer left (null: not answered), by item id; then forgets them. */
async function takeArrivals(fake: Fake): Promise<Map<string, [number, number | null]>> {
  const arrivals = new Map(await fake.ask<[string, [number, number | null]][]>('arrivals', 'arrivals'));
  await fake.ask('reset', 'reset');
  return arrivals;
}
/** How late the fake itself answered, past LATENCY_MS: the model's side of the clock, not ours. */
const modelLate = (arrivals: Map<string, [number, number | null]>) => p50([...arrivals.values()].map(([at, answered]) => answered! - at - LATENCY_MS));

interface BareRound { perS: number; cpuMs: number; busy: number | null; afterMs: number; lateMs: number }
interface ItemRound extends BareRound { slotMs: number; startUpMs: number; windDownMs: number; elu: number }

/** The floor, measured beside each item round: n bare SDK calls, and the SDK's own after-call p50. */
async function bareRound(fake: Fake, n: number): Promise<BareRound> {
  const c0 = cpuTicks();
  const cpu = process.cpuUsage();
  const bare = await bareSdk(fake.url, n);
  const cpuMs = cpuMsPer(cpu, n);
  const busy = busySince(c0);
  const arrivals = await takeArrivals(fake);
  // The SDK's own way back: from the fake handing its answer to the socket to the bare SDK handing it over.
  const afterMs = p50([...bare.returned].map(([id, at]) => at - arrivals.get(id)![1]!));
  return { perS: bare.perS, cpuMs, busy, afterMs, lateMs: modelLate(arrivals) };
}

/** One run of `items` through the worker, with the figures that say where its time went. */
async function itemRound(pool: pg.Pool, fake: Fake, items: BenchItem[], owner: string | null, profileTo?: string): Promise<ItemRound> {
  // BENCH_PROFILE=<file>: a CPU profile of this process during the last (warmest) item round only (open it in Chrome DevTools).
  const profiler = profileTo ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const elu0 = performance.eventLoopUtilization();
  const c0 = cpuTicks();
  const cpu = process.cpuUsage();
  const { elapsedS, benchId, startedAt, finishedAt } = await runItems(pool, items, owner);
  const busy = busySince(c0);
  const cpuMs = cpuMsPer(cpu, items.length);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  if (profiler) writeFileSync(profileTo!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
  const { rows } = await pool.query(`SELECT verdict, count(*)::int AS n FROM bench_items WHERE bench_run_id = $1 GROUP BY verdict`, [benchId]);
  if (rows.length !== 1 || rows[0].verdict !== 'correct' || rows[0].n !== items.length) throw new Error(`unexpected verdicts: ${JSON.stringify(rows)}`);
  // Our time per item outside the model call: each of the CONCURRENCY slots spent elapsed·C/N per item, of which
  // LATENCY_MS was the model. Per item, the after-call share: from the fake handing its answer to the socket to the
  // item's row starting to be written (recorded_at is the inserting statement's now()).
  const { rows: rec } = await pool.query(`SELECT item_id, extract(epoch FROM recorded_at) * 1000 AS at FROM bench_items WHERE bench_run_id = $1`, [benchId]);
  const arrivals = await takeArrivals(fake);
  const afterMs = p50(rec.map((r) => Number(r.at) - arrivals.get(r.item_id)![1]!));
  // The run's fixed costs, apart from the per-item path: enqueue to the first request at the model, and the last
  // answer to the run recorded as finished (the scores computed, the run closed).
  const times = [...arrivals.values()];
  return {
    perS: items.length / elapsedS, cpuMs, busy, afterMs, lateMs: modelLate(arrivals), elu,
    slotMs: (elapsedS * 1000 * CONCURRENCY) / items.length - LATENCY_MS,
    startUpMs: Math.min(...times.map(([at]) => at)) - startedAt,
    windDownMs: finishedAt - Math.max(...times.map(([, answered]) => answered!)),
  };
}

/** Code grading through the sandbox port, one reference solution after another. */
async function codeGrades(grader: ReturnType<typeof createGraderPool>): Promise<number | null> {
  if (CODE_GRADES <= 0) return null;
  log(`code grading through the sandbox port: ${CODE_GRADES} reference solutions...`);
  const bank = loadBank();
  const code = bankDataset(bank).items.filter((i) => i.kind === 'code');
  const port = sandboxCodeGrader(grader);
  const t0 = performance.now();
  for (let i = 0; i < CODE_GRADES; i++) {
    const item = code[i % code.length]!;
    const r = await port.gradeCode({ itemId: item.id, cases: item.cases ?? [] }, bank.bySlug.get(item.id)!.solution!);
    if (r.status !== 'passed') throw new Error(`${item.id}: reference solution graded ${r.status}`);
  }
  const perS = CODE_GRADES / ((performance.now() - t0) / 1000);
  log(`  ${perS.toFixed(2)} grades/s (pool of 1)`);
  return perS;
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
  const fake = await startProvider();
  const config = loadConfig({
    NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: url, OPENAI_COMPAT_BASE_URL: fake.url, OPENAI_COMPAT_MODELS: 'fake',
    ANTHROPIC_DAILY_TOKEN_CAP: '1000000000', WORKER_CONCURRENCY: '2', WORKER_POLL_MS: '100',
  });
  const items = syntheticItems(ITEMS);
  const warmItems = syntheticItems(WARMUP, ITEMS);
  const byId = new Map([...items, ...warmItems].map((i) => [i.id, i]));
  const userId = randomUUID();
  await upsertUser(pool, { id: userId, email: 'bench@example.com', displayName: 'Bench' });
  const silent = pino({ level: 'silent' });
  const llm = createLlm({ config, pool, logger: silent });
  const grader = createGraderPool({ size: 1, concurrency: 1, timeLimitMs: 10_000, memoryLimitMb: 256, logger: { info() {}, warn() {} } });
  // As in a running worker, the sandbox is warm before any item: loading it takes seconds of CPU, which would
  // otherwise compete with the item path on a 2-core machine and be counted against it.
  await grader.whenWarm();
  const handler = createBenchRunHandler({ db: pool, llm, code: sandboxCodeGrader(grader), resolveItems: async () => byId, pausePollMs: 1000 });
  const worker = await startWorker({ pool, databaseUrl: url, config: config.worker, registry: createRegistry([handler]), log: silent, version: 'bench' });

  const owner = process.env.BENCH_NO_OWNER ? null : userId;
  const ideal = CONCURRENCY / (LATENCY_MS / 1000);
  // The warm-up is a fresh worker's first run; its figures are printed as such. The JIT keeps compiling for about two
  // thousand calls (the bare SDK's CPU per call roughly halves), so the measured rounds start after it.
  let cold: ItemRound | null = null;
  if (WARMUP > 0) {
    log(`warm-up: ${WARMUP} bare SDK calls and a run of ${WARMUP} items...`);
    await bareRound(fake, WARMUP);
    cold = await itemRound(pool, fake, warmItems, owner);
    log(`  a fresh worker's first run: ${cold.perS.toFixed(0)} items/s, after-call p50 ${cold.afterMs.toFixed(1)} ms, CPU ${cold.cpuMs.toFixed(2)} ms per item`);
  }
  // The host's speed drifts from minute to minute (the machine is shared): each round measures the bare SDK and then
  // the item path back to back, so each ratio compares like with like, and the summary takes the median round.
  const bare: BareRound[] = [];
  const runs: ItemRound[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    log(`round ${r} of ${ROUNDS}: ${ITEMS} bare SDK calls, then ${ITEMS} numeric items, at concurrency ${CONCURRENCY}, model latency ${LATENCY_MS} ms (load average ${load()})...`);
    const b = await bareRound(fake, ITEMS);
    const i = await itemRound(pool, fake, items, owner, r === ROUNDS ? process.env.BENCH_PROFILE : undefined);
    bare.push(b);
    runs.push(i);
    log(`  bare SDK: ${b.perS.toFixed(0)} calls/s, after-call p50 ${b.afterMs.toFixed(1)} ms, CPU ${b.cpuMs.toFixed(2)} ms per call, cores busy ${pct(b.busy)}`);
    log(`  items: ${i.perS.toFixed(0)}/s, ${(100 * i.perS / ideal).toFixed(1)}% of ideal, ${(100 * i.perS / b.perS).toFixed(1)}% of the bare SDK; after-call p50 ${i.afterMs.toFixed(1)} ms, slot overhead ${i.slotMs.toFixed(1)} ms/item; start-up ${i.startUpMs.toFixed(0)} ms, wind-down ${i.windDownMs.toFixed(0)} ms; CPU ${i.cpuMs.toFixed(2)} ms per item, event loop busy ${pct(i.elu)}, cores busy ${pct(i.busy)}; the fake answered ${i.lateMs.toFixed(1)} ms late (p50)`);
  }
  await worker.shutdown();
  const gradesPerS = await codeGrades(grader);
  await grader.close();
  await fake.close();
  await pool.end();
  await admin.query('DROP DATABASE IF EXISTS bench_runs_bench WITH (FORCE)');
  await admin.end();
  await server.stop();
  const mid = <T>(xs: T[], f: (x: T) => number | null) => {
    const v = xs.map(f).filter((x): x is number => x !== null).sort((a, b) => a - b);
    return v.length === 0 ? null : v[Math.floor(v.length / 2)]!;
  };
  const round = (n: number | null, d = 1) => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);
  const perS = runs.map((i) => i.perS);
  const after = runs.map((i) => i.afterMs);
  log(`median of ${ROUNDS} rounds: ${mid(runs, (i) => i.perS)!.toFixed(0)} items/s (range ${Math.min(...perS).toFixed(0)}–${Math.max(...perS).toFixed(0)}; ideal ${ideal}, bare SDK ${mid(bare, (b) => b.perS)!.toFixed(0)}), after-call p50 ${mid(runs, (i) => i.afterMs)!.toFixed(1)} ms (range ${Math.min(...after).toFixed(1)}–${Math.max(...after).toFixed(1)}; the bare SDK's ${mid(bare, (b) => b.afterMs)!.toFixed(1)} ms)`);
  console.log(JSON.stringify({
    items_per_s: round(mid(runs, (i) => i.perS)), ideal_per_s: ideal, baseline_sdk_per_s: round(mid(bare, (b) => b.perS)), rounds: ROUNDS,
    items_per_s_range: [round(Math.min(...perS)), round(Math.max(...perS))], load_avg_1m: round(loadavg()[0]!),
    cores_busy: round(mid(runs, (i) => i.busy), 2), baseline_cores_busy: round(mid(bare, (b) => b.busy), 2),
    overhead_ms_p50: round(mid(runs, (i) => i.afterMs)), overhead_ms_p50_range: [round(Math.min(...after)), round(Math.max(...after))],
    overhead_ms_slot_mean: round(mid(runs, (i) => i.slotMs)), baseline_after_call_ms_p50: round(mid(bare, (b) => b.afterMs)),
    model_late_ms_p50: round(mid(runs, (i) => i.lateMs)), cpu_ms_per_item: round(mid(runs, (i) => i.cpuMs), 2),
    baseline_cpu_ms_per_call: round(mid(bare, (b) => b.cpuMs), 2), start_up_ms: round(mid(runs, (i) => i.startUpMs), 0),
    wind_down_ms: round(mid(runs, (i) => i.windDownMs), 0), code_grades_per_s: round(gradesPerS, 2),
    cold_items_per_s: round(cold?.perS ?? null), cold_overhead_ms_p50: round(cold?.afterMs ?? null),
  }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
