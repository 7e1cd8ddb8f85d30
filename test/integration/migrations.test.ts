import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { migrate, MigrationError } from '../../src/db/migrate.js';
import { projectRoot } from '../../src/paths.js';
import { createDatabase, useTestDatabase } from '../helpers/db.js';

const migrateJs = join(projectRoot, 'dist', 'src', 'db', 'migrate.js');
const poolJs = join(projectRoot, 'dist', 'src', 'db', 'pool.js');

/** Runs the built migrator in its own OS process, as web and worker do at boot. */
function migrateInProcess(url: string, dir: string): Promise<{ code: number | null; out: string }> {
  const script = `
    import { migrate } from ${JSON.stringify(migrateJs)};
    import { createPool } from ${JSON.stringify(poolJs)};
    const pool = createPool(process.argv[1], { max: 1 });
    try { const r = await migrate(pool, { dir: process.argv[2] }); console.log(JSON.stringify(r)); }
    catch (e) { console.error(e.message); process.exitCode = 1; }
    finally { await pool.end(); }`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, url, dir]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

function migrationsFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function emptyDatabase() {
  const db = await createDatabase({ empty: true });
  const pool = createPool(db.url, { max: 2 });
  cleanups.push(async () => {
    await pool.end();
    await db.drop();
  });
  return { ...db, pool };
}

describe('migrations', () => {
  it('two processes migrating at once apply each file exactly once', async () => {
    // Not idempotent on purpose: a second application would fail (CREATE TABLE) or double-count (INSERT).
    const dir = migrationsFolder({
      '0001_a.sql': 'CREATE TABLE applied_log (name text); INSERT INTO applied_log VALUES (\'0001\'); SELECT pg_sleep(0.3);',
      '0002_b.sql': 'CREATE TABLE t2 (x int); INSERT INTO applied_log VALUES (\'0002\');',
      '0003_c.sql': 'INSERT INTO applied_log VALUES (\'0003\');',
    });
    const db = await emptyDatabase();
    const [a, b] = await Promise.all([migrateInProcess(db.url, dir), migrateInProcess(db.url, dir)]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    const applied = [JSON.parse(a.out).applied, JSON.parse(b.out).applied].flat().sort();
    expect(applied).toEqual(['0001_a.sql', '0002_b.sql', '0003_c.sql']);
    const { rows } = await db.pool.query('SELECT name FROM applied_log ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(['0001', '0002', '0003']);
  });

  it('a failing file is rolled back whole and named', async () => {
    const dir = migrationsFolder({ '0001_ok.sql': 'CREATE TABLE ok (x int);', '0002_bad.sql': 'CREATE TABLE half (x int); SELEC nonsense;' });
    const db = await emptyDatabase();
    await expect(migrate(db.pool, { dir })).rejects.toThrow(/0002_bad\.sql failed/);
    const { rows } = await db.pool.query("SELECT to_regclass('half') AS half, to_regclass('ok') AS ok");
    expect(rows[0]).toEqual({ half: null, ok: 'ok' });
  });

  it('an applied file that was edited stops the migrator with a clear message', async () => {
    const dir = migrationsFolder({ '0001_a.sql': 'CREATE TABLE a (x int);' });
    const db = await emptyDatabase();
    await migrate(db.pool, { dir });
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x int, y int);');
    const err = await migrate(db.pool, { dir }).catch((e) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.message).toMatch(/0001_a\.sql was edited after it was applied/);
    expect(err.message).toMatch(/new migration/);
  });
});

describe('start-up with an edited migration', () => {
  const db = useTestDatabase();

  it('the web process refuses to start and says which file changed', async () => {
    await db.pool.query("UPDATE schema_migrations SET checksum = 'not-the-real-checksum' WHERE name = '0001_init.sql'");
    const server = join(projectRoot, 'dist', 'src', 'server.js');
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [server], {
        env: { PATH: process.env.PATH, DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent' },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code, out }));
    });
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(/0001_init\.sql was edited after it was applied/);
  });

  it('the real migrations are all recorded in the template', async () => {
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });
});
