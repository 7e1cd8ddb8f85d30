/**
 * The command line of `run-one` (worker/run-one.ts), written by the dispatcher and read by the machine, in one place:
 * `<run id> [--attempt <n> --lease-owner <worker id>]`. With the two options, run-one adopts that claim; without,
 * it claims the queued run itself.
 */
export interface RunOneTarget {
  runId: string;
  /** The dispatcher's claim to adopt, or absent to claim a queued run. */
  claim?: { attempt: number; leaseOwner: string };
}

export function runOneArgs(claim: { runId: string; attempt: number; leaseOwner: string }): string[] {
  return [claim.runId, '--attempt', String(claim.attempt), '--lease-owner', claim.leaseOwner];
}

/** Parses the arguments after the script; throws a message naming what is wrong. */
export function parseRunOneArgs(argv: string[]): RunOneTarget {
  const [runId, ...rest] = argv;
  if (!runId || !/^\d{1,18}$/.test(runId)) throw new Error('usage: run-one <run id> [--attempt <n> --lease-owner <worker id>]');
  const opts = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const [key, value] = [rest[i]!, rest[i + 1]];
    if ((key !== '--attempt' && key !== '--lease-owner') || value === undefined) throw new Error(`run-one: unexpected argument ${key}`);
    opts.set(key, value);
  }
  if (opts.size === 0) return { runId };
  const attempt = Number(opts.get('--attempt'));
  const leaseOwner = opts.get('--lease-owner');
  if (!Number.isInteger(attempt) || attempt < 1 || !leaseOwner) throw new Error('run-one: --attempt and --lease-owner go together');
  return { runId, claim: { attempt, leaseOwner } };
}
