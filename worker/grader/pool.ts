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
  return new WarmPool(opts);
}

/**
 * The snapshot is taken by a child that boots Python and runs no user code, so it holds nothing an attempt could
 * have influenced. Children wait for it; if it fails they boot Python from scratch (undefined).
 */
async function makeSnapshot(env: Environment, logger: Logger): Promise<{ dir: string; path: string } | undefined> {
  let dir: string | undefined;
  try {
    const maker = new GraderChild({ paths: env.paths, unshare: env.unshare, makeSnapshot: true });
    const bytes = await maker.collectSnapshot();
    dir = await mkdtemp(join(tmpdir(), 'bench-grader-'));
    const path = join(dir, 'pyodide.snapshot');
    await writeFile(path, bytes, { mode: 0o444 });
    return { dir, path };
  } catch (e) {
    logger.warn('could not make a Pyodide snapshot; children will boot Python from scratch', { error: String(e) });
    if (dir) await rm(dir, { recursive: true, force: true });
    return undefined;
  }
}

class WarmPool implements GraderPool {
  private readonly size: number;
  private readonly concurrency: number;
  private readonly timeLimitMs: number;
  private readonly memoryLimitMb: number;
  private readonly logger: Logger;
  private readonly env: Environment;
  private readonly snapshotReady: Promise<void>;
  private snapshot: { dir: string; path: string } | undefined;
  private readonly warm: GraderChild[] = [];
  private readonly booting = new Set<GraderChild>();
  private readonly waiters: ((c: GraderChild) => void)[] = [];
  private readonly warmWaiters: (() => void)[] = [];
  private readonly slotWaiters: (() => void)[] = [];
  private busy = 0;
  private graded = 0;
  private replaced = 0;
  private bootFailures = 0;
  private closed = false;
  private lastBootMs: number | undefined;
  private lastWarmRss: number | undefined;

  constructor(opts: PoolOptions) {
    this.size = Math.max(1, opts.size ?? 2);
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.timeLimitMs = opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    this.memoryLimitMb = opts.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    this.logger = opts.logger ?? consoleLogger;
    this.env = prepareEnvironment(opts);
    this.snapshotReady = !(opts.useSnapshot ?? true)
      ? Promise.resolve()
      : makeSnapshot(this.env, this.logger).then((s) => void (this.snapshot = s));
    for (let i = 0; i < this.size; i++) this.boot();
  }

  async grade(req: GradeRequest): Promise<GradeResult> {
    if (this.closed) throw new Error('grader pool is closed');
    // A slot first, then a child: a queued attempt holds no child, so memory stays within the budget above.
    while (this.busy >= this.concurrency) await new Promise<void>((res) => this.slotWaiters.push(res));
    this.busy++;
    const child = await this.acquire();
    // Start the replacement now: it boots while this attempt runs.
    this.replaced++;
    this.boot();
    try {
      return await runOnChild(child, req, this.timeLimitMs, this.memoryLimitMb);
    } finally {
      this.busy--;
      this.graded++;
      child.kill();
      this.slotWaiters.shift()?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.snapshotReady;
    for (const c of [...this.warm.splice(0), ...this.booting]) c.kill();
    if (this.snapshot) await rm(this.snapshot.dir, { recursive: true, force: true });
  }

  stats(): PoolStats {
    const { lastBootMs, lastWarmRss } = this;
    return {
      size: this.size, concurrency: this.concurrency, warm: this.warm.length, booting: this.booting.size, busy: this.busy,
      queued: this.waiters.length + this.slotWaiters.length, graded: this.graded, replaced: this.replaced, bootFailures: this.bootFailures,
      networkIsolated: this.env.unshare !== undefined, snapshot: this.snapshot !== undefined,
      ...(lastBootMs !== undefined ? { lastBootMs } : {}),
      ...(lastWarmRss !== undefined ? { lastWarmRssMb: Math.round(lastWarmRss / 2 ** 20) } : {}),
    };
  }

  whenWarm(): Promise<void> {
    return new Promise<void>((res) => {
      this.warmWaiters.push(res);
      this.checkWarm();
    });
  }

  private checkWarm(): void {
    if (this.warm.length >= this.size) for (const w of this.warmWaiters.splice(0)) w();
  }

  private boot(): void {
    void this.snapshotReady.then(() => this.bootNow());
  }

  private bootNow(): void {
    if (this.closed) return;
    const { env } = this;
    const child = new GraderChild({ paths: env.paths, unshare: env.unshare, ...(this.snapshot ? { snapshotPath: this.snapshot.path } : {}) });
    this.booting.add(child);
    child.ready.then((info) => {
      this.booting.delete(child);
      this.lastBootMs = info.loadMs;
      this.lastWarmRss = info.rss;
      if (this.closed) return child.kill();
      const waiter = this.waiters.shift();
      if (waiter) waiter(child); else { this.warm.push(child); this.checkWarm(); }
    }, (err: unknown) => {
      this.booting.delete(child);
      if (this.closed) return; // killed by close()
      this.bootFailures++;
      this.logger.warn('grader child failed to boot; retrying', { error: String(err) });
      // Back off so a broken install doesn't turn into a fork loop.
      if (!this.closed) setTimeout(() => this.bootNow(), Math.min(30_000, 500 * 2 ** Math.min(this.bootFailures, 6)));
    });
  }

  private acquire(): Promise<GraderChild> {
    const child = this.warm.shift();
    return child ? Promise.resolve(child) : new Promise((res) => this.waiters.push(res));
  }
}
