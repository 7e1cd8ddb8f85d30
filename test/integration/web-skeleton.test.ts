import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { generateAppSecrets } from '../../src/auth/secrets.js';
import { loadConfig } from '../../src/config.js';
import { createPool } from '../../src/db/pool.js';
import { freePort } from '../../src/db/embedded.js';
import { buildTestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

describe('/__health', () => {
  it('answers 200 even when the database is unreachable', async () => {
    // A pool pointed at a port nobody listens on: any query would fail, so a 200 proves the DB is not touched.
    const deadUrl = `postgres://nobody:x@127.0.0.1:${await freePort()}/none`;
    const pool = createPool(deadUrl, { max: 1 });
    // Secrets normally come from the database; here they are made in memory so nothing at all touches it.
    const secrets = await generateAppSecrets();
    const app = await buildApp({ config: loadConfig({ DATABASE_URL: deadUrl, LOG_LEVEL: 'silent' }), pool, secrets, logger: false });
    await expect(pool.query('SELECT 1')).rejects.toThrow();
    const res = await app.inject('/__health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    await app.close();
    await pool.end();
  });
});

describe('pages and errors', () => {
  const db = useTestDatabase();
  let app: FastifyInstance;
  const secret = 'relation "secret_table" does not exist at /srv/app/internal.ts:42';

  beforeAll(async () => {
    app = await buildTestApp(db, {
      setup: (a) => {
        a.get('/boom', async () => {
          throw new Error(secret);
        });
        a.get('/api/boom', async () => {
          throw new Error(secret);
        });
      },
    });
  });
  afterAll(() => app.close());

  it('serves the home page with htmx from our own origin', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('<script src="/vendor/htmx/htmx.min.js"');
    expect(res.body).not.toMatch(/https?:\/\/(unpkg|cdn)/);
    const htmx = await app.inject('/vendor/htmx/htmx.min.js');
    expect(htmx.statusCode).toBe(200);
    expect(htmx.body).toContain('htmx');
  });

  it('a 500 shows a request id, never the internal message or a stack', async () => {
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret_table');
    expect(res.body).not.toContain('internal.ts');
    expect(res.body).not.toMatch(/at .*\(.*:\d+:\d+\)/);
    expect(res.body).toContain(res.headers['x-request-id'] as string);
  });

  it('a 500 to an HTMX request is a fragment aimed at the flash slot', async () => {
    const res = await app.inject({ url: '/boom', headers: { 'hx-request': 'true' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('<html');
    expect(res.body).not.toContain('secret_table');
    expect(res.headers['hx-retarget']).toBe('#flash');
  });

  it('a 500 from an API is JSON with a code and request id only', async () => {
    const res = await app.inject('/api/boom');
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.error.code).toBe('internal');
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
    expect(JSON.stringify(body)).not.toContain('secret_table');
  });

  it('a 404 says so in a page', async () => {
    const res = await app.inject('/no/such/page');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Page not found');
  });
});
