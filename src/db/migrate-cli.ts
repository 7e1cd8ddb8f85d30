/**
 * `npm run migrate`, and Fly's release_command (`node dist/src/db/migrate-cli.js`): applies pending migrations to
 * DATABASE_URL, or to the embedded Postgres when it is unset outside production. A non-zero exit aborts a deploy
 * before any machine gets the new image; the advisory lock in migrate() makes a concurrent boot harmless.
 */
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from './open.js';
import { migrate } from './migrate.js';

async function main(): Promise<number> {
  let db;
  try {
    db = await openDatabase(loadConfig(), { applicationName: 'bench-migrate', log: (m) => console.log(m) });
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `cannot open the database: ${(err as Error).message}`);
    return 2;
  }
  try {
    const { applied, skipped } = await migrate(db.pool, { log: (m) => console.log(m) });
    console.log(`migrations: ${applied.length} applied, ${skipped} already in place`);
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
