/**
 * Starts one Postgres for the whole integration run and migrates a template database once. Each test file then
 * clones its own database from the template (see db.ts), so files run in parallel without sharing state. It also
 * picks the browser for the browser tests once (see browser.ts).
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createPool } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';
import { chooseChromium, describeChoice } from './browser.js';
import { startTestPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

const TEMPLATE = 'bench_template';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The browser is chosen (and, from the npm package, unpacked) while Postgres starts.
  const [server, browser] = await Promise.all([startTestPostgres(), chooseChromium()]);
  console.log(`[test setup] ${describeChoice(browser)}`);
  project.provide('chromium', browser);
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();

  const u = new URL(server.adminUrl);
  u.pathname = `/${TEMPLATE}`;
  const pool = createPool(u.toString(), { max: 1 });
  await migrate(pool);
  // A template must have no open connections while it is being cloned.
  await pool.end();

  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplate', TEMPLATE);
  return async () => {
    await server.stop();
  };
}
