/**
 * Shared by the benchmark tests: the real app and a real in-process worker (run queue + bench-run handler + the
 * LLM layer built from config) against the file's database, with the OpenAI-compatible API faked on 127.0.0.1.
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import { bankDataset, itemsOf, type BenchItem } from '../../../src/bench/dataset.js';
import { createLlm } from '../../../src/llm/index.js';
import { loadBank } from '../../../src/practice/bank.js';
import { getRun } from '../../../src/runs/queries.js';
import { createBenchRunHandler, sandboxCodeGrader } from '../../../worker/handlers/bench-run.js';
import { createRegistry } from '../../../worker/handlers/index.js';
import { startWorker, type RunningWorker } from '../../../worker/runtime.js';
import type { GraderPool } from '../../../worker/grader/index.js';
import { buildTestApp, testConfig } from '../../helpers/app.js';
import type { SignedIn } from '../../helpers/auth.js';
import type { TestDatabase } from '../../helpers/db.js';
import { waitFor } from '../runs/helpers.js';

export const dataset = bankDataset(loadBank());
export const numericItems = dataset.items.filter((i) => i.kind === 'numeric');

export function fakeEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_COMPAT_BASE_URL: url,
    OPENAI_COMPAT_API_KEY: 'test-key',
    OPENAI_COMPAT_MODELS: 'model-a,model-b',
    LLM_MAX_RETRIES: '0',
    // A lease a busy machine cannot lapse between heartbeats (crash.test.ts shortens it to be rescued quickly).
    WORKER_LEASE_MS: '60000',
    WORKER_POLL_MS: '200',
    ...extra,
  };
}

/** The model check sent before a run is created (one token), not a benchmark item. */
export function isProbe(body: { messages: { content: string }[] }): boolean {
  return String(body.messages.at(-1)?.content).startsWith('Reply with the single word');
}

/** The item a request is about, found by its statement in the prompt. */
export function itemOf(body: { messages: { content: string }[] }): BenchItem {
  const text = body.messages.map((m) => m.content).join('\n');
  const item = dataset.items.find((i) => text.includes(i.statement.trim().slice(0, 200)));
  if (!item) throw new Error('the fake got a prompt for no known item');
  return item;
}

export async function benchApp(db: TestDatabase, env: Record<string, string>): Promise<FastifyInstance> {
  return buildTestApp(db, { env });
}

export async function startBenchWorker(db: TestDatabase, env: Record<string, string>, grader: Pick<GraderPool, 'grade'>): Promise<RunningWorker> {
  const config = testConfig(db, env);
  const log = pino({ level: 'silent' });
  const llm = createLlm({ config, pool: db.pool, logger: log });
  const handler = createBenchRunHandler({ db: db.pool, llm, code: sandboxCodeGrader(grader), resolveItems: (name, hash) => itemsOf(db.pool, name, hash), refreshModels: () => llm.loadModels(), pausePollMs: config.bench.pausePollMs });
  return startWorker({ pool: db.pool, databaseUrl: db.url, config: config.worker, registry: createRegistry([handler]), log, version: 'test' });
}

export async function createViaApi(app: FastifyInstance, user: SignedIn, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/api/bench/runs', headers: { ...user.headers, 'content-type': 'application/json' }, payload: body });
  return { status: res.statusCode, body: res.json() as any };
}

export async function summary(app: FastifyInstance, user: SignedIn, id: string) {
  const res = await app.inject({ url: `/api/bench/runs/${id}`, headers: { cookie: user.cookie } });
  expect(res.statusCode).toBe(200);
  return res.json() as any;
}

/** Waits for the queue run behind a benchmark run to end, then returns the API summary. */
export async function finished(app: FastifyInstance, db: TestDatabase, user: SignedIn, benchId: string, runId: string, timeoutMs = 60_000) {
  await waitFor(
    async () => {
      const run = await getRun(db.pool, runId);
      return run && !['queued', 'running'].includes(run.status);
    },
    { what: `benchmark run ${benchId} to finish`, timeoutMs },
  );
  return summary(app, user, benchId);
}

/** A multipart body as a browser sends the import form: the fields, and the file under "file". */
export function multipart(fields: Record<string, string>, file?: { name: string; text: string }) {
  const boundary = '----bench-test-boundary';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (file) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n${file.text}\r\n`);
  return { payload: parts.join('') + `--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}
