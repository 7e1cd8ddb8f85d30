/**
 * The web process: config -> database -> migrations -> app -> listen, and a graceful stop on SIGTERM/SIGINT.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { loadAppSecrets } from './auth/secrets.js';
import { openDatabase } from './db/open.js';
import { formatIntegrationTable, integrationStatus, startupWarnings } from './integrations.js';
import { onShutdownSignal } from './shutdown.js';
import { createReporter } from './observability/reporter.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const db = await openDatabase(config, { applicationName: 'bench-web', log: (m) => console.log(m) });
  await migrate(db.pool, { log: (m) => console.log(m) });
  const secrets = await loadAppSecrets(db.pool);
  const reporter = createReporter(config, { serverName: 'web' });
  const app = await buildApp({ config, pool: db.pool, secrets, reporter });

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
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
