/**
 * First SIGTERM/SIGINT: run the cleanup (finish requests, close pools) and exit 0.
 * A second signal while cleaning up exits at once, so a stuck shutdown never needs kill -9.
 */
export function onShutdownSignal(cleanup: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    cleanup(signal).then(
      () => process.exit(0),
      (err) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
