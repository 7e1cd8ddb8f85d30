/**
 * /__health/deep is what Fly routes traffic by: 503 while the database cannot be reached or migrations are behind,
 * 200 again when it is back, with no restart of the app in between. The database "goes away" behind a TCP relay
 * on 127.0.0.1, the way a client sees an outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { createPool } from '../../../src/db/pool.js';
import { buildTestApp } from '../../helpers/app.js';
import { signIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const db = useTestDatabase();
let proxy: TcpProxy;
let pool: pg.Pool;
let app: FastifyInstance;

beforeAll(async () => {
  const u = new URL(db.url);
  proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port) });
  const url = proxy.urlFor(db.url);
  pool = createPool(url, { max: 2 });
  app = await buildTestApp({ url, pool });
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
  await proxy?.close();
});

const deep = async () => {
  const res = await app.inject('/__health/deep');
  return { status: res.statusCode, body: res.json() as { status: string; database: string } };
};

describe('/__health/deep', () => {
  it('is 200 with the database up and every migration applied', async () => {
    expect(await deep()).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
    expect((await app.inject('/__health/deep')).headers['cache-control']).toBe('no-store');
  });

  it('is 503 while the database is unreachable, and 200 again once it is back, without a restart', async () => {
    const admin = await signIn(app, db, { admin: true });
    await proxy.down();
    const down = await deep();
    expect(down.status).toBe(503);
    expect(down.body.database).toMatch(/^database unreachable/);
    // The shallow liveness check stays green: Fly must not restart a machine for the database's outage.
    expect((await app.inject('/__health')).statusCode).toBe(200);
    // The ops page still answers, and says what is wrong instead of failing.
    const ops = await app.inject({ url: '/admin/ops', headers: admin.headers });
    expect(ops.statusCode).toBe(200);
    expect(ops.body).toMatch(/<th scope="row">Database<\/th><td><span class="badge badge-failed">down<\/span><\/td><td>database unreachable/);

    await proxy.up();
    expect(await deep()).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
  });

  it('is 503 naming the count when this build has migrations the database lacks', async () => {
    const { rows } = await db.pool.query<{ name: string }>('DELETE FROM schema_migrations WHERE name = (SELECT max(name) FROM schema_migrations) RETURNING name');
    try {
      const behind = await deep();
      expect(behind.status).toBe(503);
      expect(behind.body.database).toBe('1 migration(s) not applied');
    } finally {
      await db.pool.query("INSERT INTO schema_migrations (name, checksum) VALUES ($1, 'restored')", [rows[0]!.name]);
    }
    expect((await deep()).status).toBe(200);
  });
});
