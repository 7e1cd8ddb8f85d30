/**
 * Where the tests' Postgres comes from, in order: TEST_DATABASE_URL; a testcontainers Postgres when a Docker engine
 * answers; otherwise an embedded Postgres in a temporary folder. All three are real servers.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

export interface TestPostgres {
  /** A URL for a superuser-ish role on the server's `postgres` database. */
  adminUrl: string;
  source: 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded';
  stop(): Promise<void>;
}

async function dockerAnswers(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, rej) => setTimeout(() => rej(new Error('docker timeout')), 5000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.TEST_DATABASE_URL) {
    return { adminUrl: process.env.TEST_DATABASE_URL, source: 'TEST_DATABASE_URL', stop: async () => {} };
  }
  if (await dockerAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    return { adminUrl: container.getConnectionUri(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-test-pg-'));
  // mkdtemp makes the folder private to root; as root, Postgres runs as its own user and must be able to enter it.
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: join(dir, 'data'), persistent: false });
  return {
    adminUrl: pg.url,
    source: 'embedded',
    async stop() {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
