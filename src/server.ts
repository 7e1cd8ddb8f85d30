/**
 * The web process: config -> database -> migrations -> app -> listen, and a graceful stop on SIGTERM/SIGINT.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfigOrExit } from './config.js';
import { migrate } from './db/migrate.js';
import { loadAppSecrets } from './auth/secrets.js';
import { openDatabase } from './db/open.js';
import { loadBank } from './practice/bank.js';
import { syncBank } from './practice/bank-sync.js';
import { formatIntegrationTable, integrationStatus, startupWarnings } from './integrations.js';
import { onShutdownSignal } from './shutdown.js';
import { createReporter } from './observability/reporter.js';
import { createLlm } from './llm/index.js';
import { createLogger } from './observability/logger.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const db = await openDatabase(config, { applicationName: 'bench-web', log: (m) => console.log(m) });
  await migrate(db.pool, { log: (m) => console.log(m) });
  const synced = await syncBank(db.pool, loadBank());
  console.log(`problem bank: ${synced.problems} problems, ${synced.newVersions} new versions`);
  const secrets = await loadAppSecrets(db.pool);
  const reporter = createReporter(config, { processGroup: 'web' });
  // Built once: validating the providers here puts their start-up warnings at the top of the log.
  const llm = createLlm({ config, pool: db.pool, logger: createLogger(config, 'llm'), reporter });
  const app = await buildApp({ config, pool: db.pool, secrets, reporter, llm });

  const rows = integrationStatus(config);
  app.log.info(`integrations:\n${formatIntegrationTable(rows)}`);
  for (const warning of startupWarnings(config)) app.log.warn(warning);

  onShutdownSignal(async (signal) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await db.close();
    await reporter.flush();
  });

  await app.listen({ host: config.host, port: config.port });
  // Not awaited: a slow or absent endpoint must not hold up serving; the outcome is one log line per provider.
  void llm.syncModels().then((results) => {
    for (const r of results) {
      if (r.error) app.log.warn({ provider: r.provider }, `model sync failed: ${r.error}`);
      else app.log.info({ provider: r.provider, listed: r.listed, added: r.added.length }, 'models synced from the endpoint');
    }
  }, (err: unknown) => app.log.warn({ err }, 'model sync failed'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  // 2, as for any other configuration error (a production start without DATABASE_URL ends up here).
  process.exit(err instanceof ConfigError ? 2 : 1);
});
