/**
 * The CLI as a child process (the built dist/worker/cli/main.js, as `npm run cli` runs it). Direct mode against the
 * file's database with no worker alive, so the CLI executes the run itself: with the offline provider and with the
 * fake OpenAI-compatible server on 127.0.0.1; each --json last line is checked against the database. API mode
 * against the real app listening on 127.0.0.1 with a personal API token, the run executed by a real worker process.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_OPERATOR_ID } from '../../../src/auth/access.js';
import { createApiToken } from '../../../src/auth/api-tokens.js';
import { projectRoot } from '../../../src/paths.js';
import { buildTestApp } from '../../helpers/app.js';
import { signIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { killAll, spawnWorker, type WorkerProcess } from '../runs/helpers.js';
import { fakeEnv, isProbe, itemOf } from './helpers.js';

const db = useTestDatabase();
let fake: FakeOpenAiCompatible;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAiCompatible();
});
afterAll(async () => {
  await killAll(workers);
  await fake?.close();
});

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last stdout line, parsed. */
  json(): any;
}

function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(projectRoot, 'dist', 'worker', 'cli', 'main.js'), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', DATABASE_URL: db.url, WORKER_LEASE_MS: '3000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of [...waiters]) w();
  });
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, json: () => JSON.parse(stdout.trim().split('\n').at(-1)!) })),
  );
  /** Resolves when stderr matches (the event the test means), rejects if the CLI ends first. */
  const printed = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (re.test(stderr) ? (waiters.delete(check), resolve()) : undefined);
      waiters.add(check);
      check();
      void result.then(() => reject(new Error(`the CLI ended before printing ${re}:\n${stderr}`)));
    });
  return { child, result, printed };
}

const cli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => startCli(args, env).result;

/** The run's verdict counts and token sums, read from its item rows. */
async function fromDatabase(id: string) {
  const { rows } = await db.pool.query(`SELECT verdict, count(*)::int AS n FROM bench_items WHERE bench_run_id = $1 GROUP BY verdict`, [id]);
  const counts: Record<string, number> = { correct: 0, incorrect: 0, no_answer: 0, truncated: 0, error: 0 };
  for (const r of rows) counts[r.verdict] = r.n;
  const tokens = await db.pool.query(`SELECT coalesce(sum(input_tokens), 0)::int AS input, coalesce(sum(output_tokens), 0)::int AS output FROM bench_items WHERE bench_run_id = $1`, [id]);
  const run = await db.pool.query(`SELECT b.seed, b.owner_id, r.status FROM bench_runs b JOIN runs r ON r.id = b.run_id WHERE b.id = $1`, [id]);
  return { counts, tokens: tokens.rows[0], ...run.rows[0] };
}

describe('direct mode (no API URL), no worker alive', () => {
  it('runs the offline provider in-process and the --json line matches the database', async () => {
    const r = await cli(['bench', 'run', '--model', 'offline/offline', '--dataset', 'bank', '--kind', 'numeric', '--count', '3', '--seed', 'cli-offline', '--wait', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    const db1 = await fromDatabase(out.id);
    expect(out).toMatchObject({ status: 'succeeded', model: 'offline/offline', seed: 'cli-offline', items: 3, counts: db1.counts, tokens: db1.tokens });
    expect(Object.values(out.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(3);
    expect(db1).toMatchObject({ status: 'succeeded', seed: 'cli-offline', owner_id: LOCAL_OPERATOR_ID });
    const graded = 3 - db1.counts.error!;
    if (graded > 0) expect(out.accuracy.p).toBeCloseTo(db1.counts.correct! / graded, 10);
    expect(r.stderr).toContain('no worker is running: this process executes');
    // Claimed like any worker's claim: a started event naming the in-process executor.
    const { rows } = await db.pool.query(`SELECT e.data->>'worker' AS worker FROM run_events e JOIN bench_runs b ON b.run_id = e.run_id WHERE b.id = $1 AND e.type = 'started'`, [out.id]);
    expect(rows.map((x) => x.worker)).toEqual([expect.stringMatching(/^one-run:/)]);
    // Not a terminal: plain progress lines on stderr, and the human summary before the JSON line.
    expect(r.stderr).toMatch(/^progress: 3\/3 items/m);
    expect(r.stdout).toContain(`run ${out.id}: offline/offline on bank, seed cli-offline: succeeded`);
  }, 120_000);

  it('runs against the OpenAI-compatible fake: scripted answers graded as scripted, tokens as recorded', async () => {
    let asked = 0;
    fake.reset();
    // The first item asked gets a wrong answer, the rest the right one.
    fake.always(openaiCompat.completion({ content: (body) => (isProbe(body) ? 'ready' : `Answer: ${itemOf(body).answer! + (asked++ === 0 ? 1 : 0)}`) }));
    const r = await cli(['bench', 'run', '--model', 'openai-compatible/model-a', '--kind', 'numeric', '--count', '4', '--seed', 'cli-fake', '--concurrency', '1', '--budget-tokens', '100000', '--wait', '--json'], fakeEnv(fake.url));
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    const fromDb = await fromDatabase(out.id);
    expect(out.counts).toEqual({ correct: 3, incorrect: 1, no_answer: 0, truncated: 0, error: 0 });
    expect(fromDb.counts).toEqual(out.counts);
    expect(out.tokens).toEqual(fromDb.tokens);
    expect(out.tokens.input).toBeGreaterThan(0);
    expect(out.accuracy.p).toBe(0.75);
    expect(fake.requests.filter((q) => !isProbe(q.body))).toHaveLength(4);
  }, 120_000);

  it('Ctrl-C puts the run it is executing back in the queue, with its recorded items kept', async () => {
    fake.reset();
    // The model check and two items are answered; every later call hangs, so the run is surely mid-way at Ctrl-C.
    const right = openaiCompat.completion({ content: (body) => (isProbe(body) ? 'ready' : `Answer: ${itemOf(body).answer}`) });
    fake.script(right, right, right);
    fake.always(openaiCompat.hang());
    const run = startCli(['bench', 'run', '--model', 'openai-compatible/model-a', '--kind', 'numeric', '--seed', 'cli-stop', '--concurrency', '1', '--budget-tokens', '100000', '--wait', '--json'], fakeEnv(fake.url));
    await run.printed(/^progress: 2\/\d+ items/m);
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/stopped waiting: run (\d+) is back in the queue/);
    const id = /stopped waiting: run (\d+)/.exec(r.stderr)![1]!;
    const after = await fromDatabase(id);
    expect(after.status).toBe('queued');
    expect(after.counts).toEqual({ correct: 2, incorrect: 0, no_answer: 0, truncated: 0, error: 0 });
    const { rows } = await db.pool.query(`SELECT e.message FROM run_events e JOIN bench_runs b ON b.run_id = e.run_id WHERE b.id = $1 AND e.type = 'requeued'`, [id]);
    expect(rows.map((x) => x.message)).toEqual(['Stopped from the command line: back in the queue']);
  }, 120_000);

  it('a refused run exits 1 with the reason, naming the option', async () => {
    const r = await cli(['bench', 'run', '--model', 'offline/offline', '--samples', '50', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--samples: must be at most 20');
    expect(r.stdout).toBe('');
    const unknown = await cli(['bench', 'run', '--model', 'nobody/model']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--model: nobody\/model: no provider is called "nobody"/);
  }, 60_000);
});

describe('bad usage', () => {
  it('exits 2 with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['bench', 'run', '--model', 'offline/offline', '--cnt', '3'], /Unknown option '--cnt'\. See --help\./],
      [['bench', 'run', '--model', 'offline/offline', '--count', 'three'], /--count must be a number \(got "three"\)/],
      [['bench', 'run', '--count', '3'], /bench run needs --model/],
      [['bench', 'status'], /bench status takes one run id/],
      [['bench', 'frobnicate'], /Unknown command "bench frobnicate"/],
      [['bench', 'status', '1', '--api-url', 'http://127.0.0.1:9'], /API mode needs a personal API token/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 60_000);
});

describe('API mode', () => {
  let app: FastifyInstance;
  let apiUrl: string;
  let token: string;

  beforeAll(async () => {
    app = await buildTestApp(db, { env: fakeEnv(fake.url) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    apiUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const admin = await signIn(app, db, { admin: true });
    token = (await createApiToken(db.pool, admin.user, 'local', 'cli test')).token;
    const worker = spawnWorker(db.url, fakeEnv(fake.url));
    workers.push(worker);
    await worker.ready(db.pool);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('creates a run with the token, waits for the worker, and the --json line matches the database', async () => {
    const r = await cli(['bench', 'run', '--api-url', apiUrl, '--model', 'offline/offline', '--kind', 'numeric', '--count', '2', '--seed', 'cli-api', '--wait', '--json'], { BENCH_API_TOKEN: token, DATABASE_URL: '' });
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    const fromDb = await fromDatabase(out.id);
    expect(out).toMatchObject({ status: 'succeeded', seed: 'cli-api', counts: fromDb.counts });
    expect(r.stderr).not.toContain('this process executes');
    const { rows } = await db.pool.query(`SELECT e.data->>'worker' AS worker FROM run_events e JOIN bench_runs b ON b.run_id = e.run_id WHERE b.id = $1 AND e.type = 'started'`, [out.id]);
    expect(rows[0].worker).not.toMatch(/^one-run:/);

    const status = await cli(['bench', 'status', out.id, '--json', '--api-url', apiUrl, '--token', token], { DATABASE_URL: '' });
    expect(status.code).toBe(0);
    expect(status.json()).toEqual(out);
    const items = await cli(['bench', 'items', out.id, '--api-url', apiUrl, '--token', token], { DATABASE_URL: '' });
    expect(items.code).toBe(0);
    const lines = items.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.verdict).sort()).toEqual(Object.entries(fromDb.counts).flatMap(([v, n]) => Array(n).fill(v)).sort());
  }, 120_000);

  it('a refused request exits 1 with the server reason', async () => {
    const bad = await cli(['bench', 'status', '1', '--api-url', apiUrl, '--token', 'bench_pat_nope'], { DATABASE_URL: '' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('401: Unknown API token.');
    const invalid = await cli(['bench', 'run', '--api-url', apiUrl, '--token', token, '--model', 'offline/offline', '--temperature', '3'], { DATABASE_URL: '' });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('--temperature: must be between 0 and 2');
  }, 60_000);
});
