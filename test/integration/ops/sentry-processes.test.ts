/**
 * Sentry as deployed: the real web and worker processes, started as fly.toml starts them (`--import` of the
 * instrument file), report to a fake ingest on 127.0.0.1 through the real SDK. A route's 500 arrives once (not
 * twice) with its request id, a failed run with its id and kind, and an unhandled rejection in the worker before the
 * process ends; each carries the release (GIT_SHA) and Fly's region, process group and machine id as tags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_OPERATOR_ID } from '../../../src/auth/access.js';
import { ACCESS_COOKIE } from '../../../src/auth/cookies.js';
import { upsertUser } from '../../../src/auth/queries.js';
import { loadAppSecrets } from '../../../src/auth/secrets.js';
import { signLocalToken } from '../../../src/auth/tokens.js';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { startFakeSentry, type FakeSentry, type SentryItem } from '../../fakes/sentry.js';
import { listeningPort, spawnNode } from '../../helpers/child.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
let sentry: FakeSentry;
const INSTRUMENT = ['--import', './dist/src/observability/instrument.js'];
// A ceiling, never a budget: each test waits for the events it means; booting a real process took 25-30 s here under load.
const BOOT_TIMEOUT_MS = 300_000;

beforeAll(async () => {
  sentry = await startFakeSentry();
});
afterAll(async () => {
  await sentry?.close();
});

const env = (group: string) => ({
  DATABASE_URL: db.url,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  SENTRY_DSN: sentry.dsn,
  SENTRY_ENVIRONMENT: 'test-env',
  SENTRY_TRACES_SAMPLE_RATE: '1',
  GIT_SHA: 'abc1234',
  FLY_REGION: 'sin',
  FLY_MACHINE_ID: `machine-${group}`,
  FLY_PROCESS_GROUP: group,
});

const tagsOf = (e: SentryItem) => (e.tags ?? {}) as Record<string, string>;
const mentions = (text: string) => (e: SentryItem) => JSON.stringify(e.exception ?? e.message ?? '').includes(text);

function expectMachineTags(event: SentryItem, group: string): void {
  expect(event.release).toBe('abc1234');
  expect(event.environment).toBe('test-env');
  expect(tagsOf(event)).toMatchObject({ region: 'sin', process_group: group, machine_id: `machine-${group}` });
}

describe('web process', () => {
  it('reports a route 500 once, with the request id and machine tags, and traces the request', { timeout: BOOT_TIMEOUT_MS }, async () => {
    const web = spawnNode([...INSTRUMENT, 'dist/src/server.js'], { env: env('web') });
    try {
      await web.printed('Server listening at');
      const token = await signLocalToken((await loadAppSecrets(db.pool)).localKey, { sub: LOCAL_OPERATOR_ID, email: 'operator@localhost', name: 'Operator' });
      await upsertUser(db.pool, { id: LOCAL_OPERATOR_ID, email: 'operator@localhost', displayName: 'Operator' });
      const res = await fetch(`http://127.0.0.1:${listeningPort(web.output())}/__sentry/test`, { headers: { cookie: `${ACCESS_COOKIE}=${token}` } });
      expect(res.status).toBe(500);
      const event = await sentry.waitForEvent(mentions('Diagnostic test error'));
      expect(tagsOf(event).request_id).toBe(res.headers.get('x-request-id'));
      expectMachineTags(event, 'web');
    } finally {
      // The shutdown flushes whatever is still queued: after it, a second report of the same error would be here.
      expect(await web.stop()).toBe(0);
    }
    expect(sentry.events.filter(mentions('Diagnostic test error'))).toHaveLength(1);
    expect(sentry.transactions.some((t) => String(t.transaction).includes('/__sentry/test'))).toBe(true);
  });
});

describe('worker process', () => {
  it('reports a failed run with its id and kind, then an unhandled rejection before it exits', { timeout: BOOT_TIMEOUT_MS }, async () => {
    const worker = spawnNode([...INSTRUMENT, '--import', './test/fixtures/reject-on-sigusr2.mjs', 'dist/worker/main.js'], {
      env: { ...env('worker'), WORKER_POLL_MS: '100', GRADER_POOL_SIZE: '1' },
    });
    try {
      await worker.printed('worker ready');
      const run = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { fail: 'permanent', message: 'run failing on purpose' }, maxAttempts: 1 });
      const failed = await sentry.waitForEvent(mentions('run failing on purpose'));
      expect(tagsOf(failed)).toMatchObject({ runId: run.id, runKind: 'sleep' });
      expectMachineTags(failed, 'worker');

      worker.proc.kill('SIGUSR2');
      const rejection = await sentry.waitForEvent(mentions('worker rejection on purpose'));
      expectMachineTags(rejection, 'worker');
      // As without Sentry, an unhandled rejection ends the process (Fly restarts it), but only once it is reported.
      expect(await worker.exited).not.toBe(0);
    } finally {
      await worker.stop();
    }
  });
});
