// Warm pool of grader children. Each child grades one attempt and is then
// discarded, so no attempt can see another's interpreter state; the pool's job
// is to keep `size` booted children waiting so a submission skips the boot.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraderChild } from './handle.js';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_MS } from './limits.js';
import type { TestCase } from '../../src/practice/judge.js';
import type { ChildRequest } from './protocol.js';
import { assemble, type GradeResult } from './results.js';
import { consoleLogger, detectUnshare, resolvePaths, type GraderPaths, type Logger } from './spawn.js';

export interface GradeRequest {
  code: string;
  /** The problem version's cases; only their inputs are sent to the child, the expected values stay here. */
  cases: TestCase[];
}

export interface PoolOptions {
  /** Warm children kept waiting. A warm child is ~190 MB RSS / ~165 MB PSS (docs/grading-sandbox.md). */
  size?: number;
  /**
   * Attempts graded at once; more wait their turn. Each busy child may grow to memoryLimitMb, so the worst case is
   * concurrency x memoryLimitMb + size x ~190 MB + the worker (~80 MB): 1 and 1 fit a 512 MB machine. Default 1.
   */
  concurrency?: number;
  timeLimitMs?: number;
  memoryLimitMb?: number;
  logger?: Logger;
  /** Boot children from a Pyodide memory snapshot (made once at pool start). Default true. */
  useSnapshot?: boolean;
  /** 'auto': use `unshare -n` if it works here; 'off': never; 'require': fail if unavailable. */
  networkIsolation?: 'auto' | 'off' | 'require';
}

export interface PoolStats {
  size: number;
  concurrency: number;
  warm: number;
  booting: number;
  busy: number;
  queued: number;
  graded: number;
  replaced: number;
  bootFailures: number;
  networkIsolated: boolean;
  snapshot: boolean;
  lastBootMs?: number;
  lastWarmRssMb?: number;
}

export interface GraderPool {
  grade(req: GradeRequest): Promise<GradeResult>;
  close(): Promise<void>;
  stats(): PoolStats;
  /** Resolves once every slot holds a booted child (for benchmarks and tests). */
  whenWarm(): Promise<void>;
}

export interface Environment {
  paths: GraderPaths;
  unshare: string | undefined;
}

let warnedNoNetns = false;

/** Shared by the pool and gradeCold: paths and the unshare probe. */
export function prepareEnvironment(opts: Pick<PoolOptions, 'networkIsolation' | 'logger'>): Environment {
  const logger = opts.logger ?? consoleLogger;
  const mode = opts.networkIsolation ?? 'auto';
  const unshare = mode === 'off' ? undefined : detectUnshare();
  if (!unshare) {
    if (mode === 'require') throw new Error('network isolation required but `unshare -n` is not usable here');
    if (mode === 'auto' && !warnedNoNetns) logger.warn('network isolation is off: `unshare -n` is not usable here (needs root or user namespaces); ' +
      'grader children rely on the permission model and removed JS globals only');
    if (mode === 'auto') warnedNoNetns = true;
  }
  return { paths: resolvePaths(), unshare };
}

export function toChildRequest(req: GradeRequest): ChildRequest {
  return { code: req.code, cases: req.cases.map((c) => ({ steps: c.steps })), limits: { stdout_bytes: 4096 } };
}

export async function runOnChild(child: GraderChild, req: GradeRequest, timeLimitMs: number, memoryLimitMb: number): Promise<GradeResult> {
  const t0 = performance.now();
  const outcome = await child.run(toChildRequest(req), timeLimitMs, memoryLimitMb);
  return assemble(outcome, req.cases, { timeLimitMs, memoryLimitMb }, Math.round(performance.now() - t0));
}

export function createGraderPool(opts: PoolOptions = {}): GraderPool {
  const size = Math.max(1, opts.size ?? 2);
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const timeLimitMs = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const memoryLimitMb = opts.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  const logger = opts.logger ?? consoleLogger;
  const env = prepareEnvironment(opts);

  let snapshotDir: string | undefined;
  let snapshotPath: string | undefined;
  // The snapshot is taken by a child that boots Python and runs no user
  // code, so it holds nothing an attempt could have influenced. Children
  // wait for it; if it fails they boot Python from scratch.
  const snapshotReady: Promise<void> = !(opts.useSnapshot ?? true) ? Promise.resolve() : (async () => {
    try {
      const maker = new GraderChild({ paths: env.paths, unshare: env.unshare, makeSnapshot: true });
      const bytes = await maker.collectSnapshot();
      snapshotDir = await mkdtemp(join(tmpdir(), 'bench-grader-'));
      const path = join(snapshotDir, 'pyodide.snapshot');
      await writeFile(path, bytes, { mode: 0o444 });
      snapshotPath = path;
    } catch (e) {
      logger.warn('could not make a Pyodide snapshot; children will boot Python from scratch', { error: String(e) });
    }
  })();

  const warm: GraderChild[] = [];
  const booting = new Set<GraderChild>();
  const waiters: ((c: GraderChild) => void)[] = [];
  const warmWaiters: (() => void)[] = [];
  const slotWaiters: (() => void)[] = [];
  let busy = 0;
  let graded = 0;
  let replaced = 0;
  let bootFailures = 0;
  let closed = false;
  let lastBootMs: number | undefined;
  let lastWarmRss: number | undefined;

  const checkWarm = () => {
    if (warm.length >= size) for (const w of warmWaiters.splice(0)) w();
  };

  const boot = () => { void snapshotReady.then(bootNow); };
  const bootNow = () => {
    if (closed) return;
    const child = new GraderChild({ paths: env.paths, unshare: env.unshare, ...(snapshotPath ? { snapshotPath } : {}) });
    booting.add(child);
    child.ready.then((info) => {
      booting.delete(child);
      lastBootMs = info.loadMs;
      lastWarmRss = info.rss;
      if (closed) return child.kill();
      const waiter = waiters.shift();
      if (waiter) waiter(child); else { warm.push(child); checkWarm(); }
    }, (err: unknown) => {
      booting.delete(child);
      if (closed) return; // killed by close()
      bootFailures++;
      logger.warn('grader child failed to boot; retrying', { error: String(err) });
      // Back off so a broken install doesn't turn into a fork loop.
      if (!closed) setTimeout(bootNow, Math.min(30_000, 500 * 2 ** Math.min(bootFailures, 6)));
    });
  };

  const acquire = (): Promise<GraderChild> => {
    const child = warm.shift();
    return child ? Promise.resolve(child) : new Promise((res) => waiters.push(res));
  };

  for (let i = 0; i < size; i++) boot();

  return {
    async grade(req) {
      if (closed) throw new Error('grader pool is closed');
      // A slot first, then a child: a queued attempt holds no child, so memory stays within the budget above.
      while (busy >= concurrency) await new Promise<void>((res) => slotWaiters.push(res));
      busy++;
      const child = await acquire();
      // Start the replacement now: it boots while this attempt runs.
      replaced++;
      boot();
      try {
        return await runOnChild(child, req, timeLimitMs, memoryLimitMb);
      } finally {
        busy--;
        graded++;
        child.kill();
        slotWaiters.shift()?.();
      }
    },
    async close() {
      closed = true;
      await snapshotReady;
      for (const c of [...warm.splice(0), ...booting]) c.kill();
      if (snapshotDir) await rm(snapshotDir, { recursive: true, force: true });
    },
    stats: () => ({
      size, concurrency, warm: warm.length, booting: booting.size, busy, queued: waiters.length + slotWaiters.length, graded, replaced, bootFailures,
      networkIsolated: env.unshare !== undefined, snapshot: snapshotPath !== undefined,
      ...(lastBootMs !== undefined ? { lastBootMs } : {}),
      ...(lastWarmRss !== undefined ? { lastWarmRssMb: Math.round(lastWarmRss / 2 ** 20) } : {}),
    }),
    whenWarm: () => new Promise<void>((res) => { warmWaiters.push(res); checkWarm(); }),
  };
}
