/**
 * The `run-one` entry point: `node dist/worker/run-one.js <run id> [--attempt <n> --lease-owner <worker id>]`.
 * Executes exactly that run (one-run.ts) and exits 0 when it succeeded, 1 when it did not, 2 on bad configuration
 * or arguments, 3 when the run could not be claimed. A remote machine runs this with the dispatcher's claim.
 */
import { loadConfigOrExit } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { runOne } from './one-run.js';
import { parseRunOneArgs, type RunOneTarget } from './run-one-args.js';

async function main(): Promise<void> {
  let target: RunOneTarget;
  try {
    target = parseRunOneArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const config = loadConfigOrExit();
  const log = createLogger(config, 'run-one');
  const stop = new AbortController();
  // The first SIGTERM/SIGINT stops the run (it goes back in the queue); a second exits at once.
  const onSignal = () => (stop.signal.aborted ? process.exit(130) : stop.abort());
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const result = await runOne(config, target, { log, signal: stop.signal });
  log.info({ runId: target.runId, ...result }, 'run-one finished');
  process.exit(result.exitCode);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
