// Public API of the grading sandbox. See docs/grading-sandbox.md.
import { GraderChild } from './handle.js';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_MS } from './limits.js';
import { prepareEnvironment, runOnChild, type GradeRequest, type PoolOptions } from './pool.js';
import type { GradeResult } from './results.js';

export { createGraderPool } from './pool.js';
export type { GradeRequest, GraderPool, PoolOptions } from './pool.js';
export type { GradeResult } from './results.js';

/**
 * Grade without a pool: spawn a child, boot Pyodide from scratch (no
 * snapshot), grade, discard. The boot is inside `durationMs` here.
 */
export async function gradeCold(
  req: GradeRequest,
  opts: Omit<PoolOptions, 'size' | 'useSnapshot'> = {},
): Promise<GradeResult> {
  const t0 = performance.now();
  const env = prepareEnvironment(opts);
  const child = new GraderChild({ paths: env.paths, unshare: env.unshare });
  try {
    await child.ready;
    const r = await runOnChild(child, req, opts.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS, opts.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB);
    return { ...r, durationMs: Math.round(performance.now() - t0) };
  } finally {
    child.kill();
  }
}
