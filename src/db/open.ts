/**
 * Opens the database the config names: DATABASE_URL, or an embedded server for local use (never in production).
 */
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { databaseUrlFor, type Config } from '../config.js';
import { projectRoot } from '../paths.js';
import { createPool } from './pool.js';
import { ensureDatabase, runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';

export interface Database {
  pool: pg.Pool;
  url: string;
  embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
}

export async function openDatabase(
  config: Config,
  opts: { applicationName?: string; log?: (msg: string) => void; attach?: boolean } = {},
): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = databaseUrlFor(config);
  const dir = join(resolve(projectRoot, config.dataDir), 'postgres');
  // attach: use the embedded server `npm start` is running on this folder, if any (the CLI does, beside the app).
  const running = !url && opts.attach ? runningEmbeddedUrl(dir) : undefined;
  if (running) {
    opts.log?.(`DATABASE_URL is unset: using the embedded Postgres already running in ${dir}`);
    url = await ensureDatabase(running, 'bench');
  } else if (!url) {
    opts.log?.(`DATABASE_URL is unset: starting the embedded Postgres in ${dir}`);
    embedded = await startEmbeddedPostgres({ dir, persistent: true });
    url = await ensureDatabase(embedded.url, 'bench');
  }
  const pool = createPool(url, { max: config.databasePoolSize, applicationName: opts.applicationName });
  return {
    pool,
    url,
    embedded,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
