/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded Postgres when it is unset. */
import { loadConfig } from '../config.js';
import { openDatabase } from './open.js';
import { migrate } from './migrate.js';

const config = loadConfig();
const db = await openDatabase(config, { log: (m) => console.log(m) });
try {
  const { applied, skipped } = await migrate(db.pool, { log: (m) => console.log(m) });
  console.log(`migrations: ${applied.length} applied, ${skipped} already in place`);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
