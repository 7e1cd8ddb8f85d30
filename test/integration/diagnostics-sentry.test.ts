/**
 * /__sentry/test does what an operator uses it for: the error it raises reaches Sentry (a fake ingest endpoint,
 * through the real SDK), tagged with the request id the error page shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadAppSecrets } from '../../src/auth/secrets.js';
import { createReporter } from '../../src/observability/reporter.js';
import { startFakeSentry, type FakeSentry } from '../fakes/sentry.js';
import { testConfig } from '../helpers/app.js';
import { signIn } from '../helpers/auth.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let sentry: FakeSentry;
let app: FastifyInstance;
let reporter: ReturnType<typeof createReporter>;

beforeAll(async () => {
  sentry = await startFakeSentry();
  // Production-like: diagnostics are off in prod unless the operator turns them on.
  const config = testConfig(db, { SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'prod', LIS_DIAGNOSTICS_ENABLED: '1' });
  reporter = createReporter(config);
  app = await buildApp({ config, pool: db.pool, secrets: await loadAppSecrets(db.pool), reporter, logger: false });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await sentry?.close();
});

describe('/__sentry/test', () => {
  it('raises a test error that reaches Sentry with the request id', async () => {
    const admin = await signIn(app, db, { admin: true });
    const res = await app.inject({ url: '/__sentry/test', headers: admin.headers });
    expect(res.statusCode).toBe(500);
    await reporter.flush(5000);
    const event = sentry.events.find((e) => JSON.stringify(e).includes('Diagnostic test error'));
    expect(event).toBeDefined();
    expect((event!.tags as Record<string, string>).request_id).toBe(res.headers['x-request-id']);
  });

  it('a refused (404) diagnostics request reports nothing', async () => {
    const before = sentry.events.length;
    const member = await signIn(app, db);
    expect((await app.inject({ url: '/__sentry/test', headers: member.headers })).statusCode).toBe(404);
    await reporter.flush(2000);
    expect(sentry.events.length).toBe(before);
  });
});
