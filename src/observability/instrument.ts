/**
 * Loaded before anything else (`node --import ./dist/src/observability/instrument.js ...`, see Dockerfile and
 * fly.toml) so Sentry can patch http, fastify and pg for traces before they are imported, and catch uncaught
 * exceptions and unhandled rejections from the first line on. Without SENTRY_DSN it does nothing at all.
 */
import * as Sentry from '@sentry/node';
import { loadConfig } from '../config.js';
import { baseSentryOptions, processGroupOf } from './sentry-options.js';

let config;
try {
  config = loadConfig();
} catch {
  // The entry point reports a bad configuration itself, with every variable named.
  config = undefined;
}

if (config?.sentry.dsn) {
  Sentry.init({
    ...baseSentryOptions(config, processGroupOf(config)),
    integrations: [
      // Our error handler reports 5xx with the request id; Sentry's own capture would send each one twice.
      Sentry.fastifyIntegration({ shouldHandleError: () => false }),
      // As Node does by default, an unhandled rejection ends the process (Fly restarts it), but reported first.
      Sentry.onUnhandledRejectionIntegration({ mode: 'strict' }),
    ],
  });
}
