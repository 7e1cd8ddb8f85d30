import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadAppSecrets } from '../../src/auth/secrets.js';
import { createReporter } from '../../src/observability/reporter.js';
import { startFakeSentry, type FakeSentry } from '../fakes/sentry.js';
import { testConfig } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let sentry: FakeSentry;
let app: FastifyInstance;
let reporter: ReturnType<typeof createReporter>;

beforeAll(async () => {
  sentry = await startFakeSentry();
  const config = testConfig(db, { SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'test-env' });
  reporter = createReporter(config);
  app = await buildApp({ config, pool: db.pool, secrets: await loadAppSecrets(db.pool), reporter, logger: false });
  app.get('/boom', async () => {
    throw new Error('kaboom in a handler');
  });
  app.get('/refused', async () => {
    throw Object.assign(new Error('bad input'), { statusCode: 400 });
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await sentry.close();
});

describe('error reporting to Sentry', () => {
  it('sends a 5xx to Sentry with the request id, through the real SDK', async () => {
    reporter.breadcrumb('llm', 'AI budget used up', { userId: 'u1' });
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    await reporter.flush(5000);
    const event = sentry.events.find((e) => JSON.stringify(e).includes('kaboom in a handler'));
    expect(event).toBeDefined();
    expect(event!.environment).toBe('test-env');
    expect((event!.tags as Record<string, string>).request_id).toBe(res.headers['x-request-id']);
    expect(JSON.stringify(event!.breadcrumbs)).toContain('AI budget used up');
  });

  it('does not report 4xx refusals', async () => {
    const before = sentry.events.length;
    expect((await app.inject('/refused')).statusCode).toBe(400);
    await reporter.flush(2000);
    expect(sentry.events.length).toBe(before);
  });
});
