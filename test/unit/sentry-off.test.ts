/** Without SENTRY_DSN there is no SDK work at all: no client, no integrations, the no-op reporter. */
import * as Sentry from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createReporter, noopReporter } from '../../src/observability/reporter.js';
import { processGroupOf, sentryTags } from '../../src/observability/sentry-options.js';

describe('Sentry without a DSN', () => {
  it('the instrument file initialises nothing and the reporter is the no-op one', async () => {
    expect(process.env.SENTRY_DSN).toBeUndefined();
    await import('../../src/observability/instrument.js');
    expect(Sentry.getClient()).toBeUndefined();
    expect(createReporter(loadConfig({}))).toBe(noopReporter);
    expect(Sentry.getClient()).toBeUndefined();
  });
});

describe('Sentry tags', () => {
  it("come from Fly's machine variables, with the process group guessed from the entry script off Fly", () => {
    const onFly = loadConfig({ FLY_APP_NAME: 'your-fly-app', FLY_REGION: 'sin', FLY_MACHINE_ID: 'm1', FLY_PROCESS_GROUP: 'worker', DATABASE_URL: 'postgres://h/db' });
    expect(sentryTags(onFly, processGroupOf(onFly))).toEqual({ process_group: 'worker', region: 'sin', machine_id: 'm1', fly_app: 'your-fly-app' });
    const local = loadConfig({});
    expect(processGroupOf(local, '/app/dist/worker/main.js')).toBe('worker');
    expect(processGroupOf(local, '/app/dist/src/server.js')).toBe('web');
    expect(sentryTags(local, 'web')).toEqual({ process_group: 'web' });
  });
});
