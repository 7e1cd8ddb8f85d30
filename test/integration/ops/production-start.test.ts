/**
 * Production refuses to guess: without DATABASE_URL the web process, the worker and the release command stop with
 * the variable's name (never an embedded Postgres on the VM). With it, two release commands started at the same
 * moment apply every migration exactly once (the advisory lock), as when a deploy's release machine and a booting
 * machine race.
 */
import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../../src/db/migrate.js';
import { createPool } from '../../../src/db/pool.js';
import { createDatabase } from '../../helpers/db.js';
import { spawnNode } from '../../helpers/child.js';

const entries = { web: 'dist/src/server.js', worker: 'dist/worker/main.js', release: 'dist/src/db/migrate-cli.js' };

describe('production start without DATABASE_URL', () => {
  for (const [name, script] of Object.entries(entries)) {
    for (const env of [{ NODE_ENV: 'production' }, { FLY_APP_NAME: 'your-fly-app' }]) {
      it(`${name} exits 2 naming DATABASE_URL (${Object.keys(env)[0]})`, async () => {
        const child = spawnNode(['--import', './dist/src/observability/instrument.js', script], { env });
        expect(await child.exited).toBe(2);
        expect(child.output()).toMatch(/DATABASE_URL/);
        expect(child.output()).not.toMatch(/embedded Postgres/);
      });
    }
  }
});

describe('release command', () => {
  it('two at once apply each migration exactly once, and both exit 0', async () => {
    const target = await createDatabase({ empty: true });
    try {
      const env = { NODE_ENV: 'production', DATABASE_URL: target.url };
      const runs = [spawnNode([entries.release], { env }), spawnNode([entries.release], { env })];
      expect(await Promise.all(runs.map((r) => r.exited))).toEqual([0, 0]);
      const files = readMigrations().map((m) => m.name);
      const outputs = runs.map((r) => r.output());
      // Between them they applied every file once: one did the work, the other found it done.
      const applied = outputs.flatMap((o) => [...o.matchAll(/applied migration (\S+)/g)].map((m) => m[1]));
      expect(applied.sort()).toEqual(files);
      const pool = createPool(target.url, { max: 1 });
      try {
        const { rows } = await pool.query<{ name: string; n: number }>('SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name ORDER BY name');
        expect(rows).toEqual(files.map((name) => ({ name, n: 1 })));
      } finally {
        await pool.end();
      }
    } finally {
      await target.drop();
    }
  });

  it('exits non-zero when a migration fails, so the deploy stops', async () => {
    const target = await createDatabase({ empty: true });
    try {
      // A table the first migration creates, already there with another shape: its CREATE fails.
      const pool = createPool(target.url, { max: 1 });
      const first = readMigrations()[0]!;
      const table = /CREATE TABLE (?:IF NOT EXISTS )?(\w+)/i.exec(first.sql)?.[1];
      expect(table).toBeDefined();
      await pool.query(`CREATE TABLE ${table} (unexpected int)`);
      await pool.end();
      const child = spawnNode([entries.release], { env: { NODE_ENV: 'production', DATABASE_URL: target.url } });
      expect(await child.exited).toBe(1);
      expect(child.output()).toContain(`migrations/${first.name} failed`);
    } finally {
      await target.drop();
    }
  });
});
