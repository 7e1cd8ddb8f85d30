/**
 * Builds the real app for a test, against the file's own database. Config goes through loadConfig, as in production.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { loadAppSecrets } from '../../src/auth/secrets.js';

export const baseTestEnv: Record<string, string> = { NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1' };

export function testConfig(db: { url: string }, env: Record<string, string | undefined> = {}): Readonly<Config> {
  return loadConfig({ ...baseTestEnv, DATABASE_URL: db.url, ...env });
}

export async function buildTestApp(
  db: { url: string; pool: pg.Pool },
  opts: { env?: Record<string, string | undefined>; setup?: (app: FastifyInstance) => void | Promise<void> } = {},
): Promise<FastifyInstance> {
  const secrets = await loadAppSecrets(db.pool);
  const app = await buildApp({ config: testConfig(db, opts.env), pool: db.pool, secrets, logger: false });
  await opts.setup?.(app);
  await app.ready();
  return app;
}
