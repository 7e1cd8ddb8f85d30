// Resource limits enforced from the parent, and the human wording for them
// (the practice page shows these messages verbatim).
import { readFile } from 'node:fs/promises';

export const DEFAULT_TIME_LIMIT_MS = 10_000;
export const DEFAULT_MEMORY_LIMIT_MB = 256;
/** How often the parent samples a busy child's RSS. Overshoot is bounded by
 *  how fast Python can allocate in this window (~tens of MB). */
export const MEMORY_POLL_MS = 20;

// Why RSS polling and not setrlimit: RLIMIT_AS would cap *virtual* memory,
// and V8 reserves many GB of address space up front for WebAssembly memories
// (guard regions), so any RLIMIT_AS small enough to matter stops Pyodide from
// instantiating at all. RSS is the number that actually exhausts a small VM.
export async function readRssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined; // process already gone, or no procfs (non-Linux dev box)
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(s < 1 ? 2 : 1).replace(/0+$/, '');
}

export const messages = {
  timeout: (limitMs: number) => `timed out after ${formatSeconds(limitMs)} s`,
  memory: (limitMb: number) => `memory limit of ${limitMb} MB exceeded`,
  notRunAfterTimeout: 'not run: an earlier test timed out',
  notRunAfterMemory: 'not run: the memory limit was exceeded earlier',
  notRunAfterCrash: 'not run: the grader stopped unexpectedly',
  violation: 'not graded: the grader received messages it did not ask for',
  crash: 'the grader stopped unexpectedly while running this test (it may have used something the sandbox blocks)',
} as const;
