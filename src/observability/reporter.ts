/**
 * Error reporting behind a small interface, so routes and the worker never import Sentry directly and the app runs
 * the same with it off. With SENTRY_DSN set, 5xx errors and worker failures are sent to Sentry; breadcrumbs (e.g.
 * an AI budget being used up) give those reports context.
 */
import * as Sentry from '@sentry/node';
import type { Config } from '../config.js';

export interface ErrorReporter {
  readonly enabled: boolean;
  capture(error: unknown, context?: { requestId?: string; userId?: string | null; tags?: Record<string, string> }): void;
  breadcrumb(category: string, message: string, data?: Record<string, unknown>): void;
  flush(timeoutMs?: number): Promise<void>;
}

export const noopReporter: ErrorReporter = {
  enabled: false,
  capture: () => {},
  breadcrumb: () => {},
  flush: async () => {},
};

let initialised = false;

export function createReporter(config: Pick<Config, 'sentry'>, opts: { release?: string; serverName?: string } = {}): ErrorReporter {
  if (!config.sentry.dsn) return noopReporter;
  if (!initialised) {
    Sentry.init({
      dsn: config.sentry.dsn,
      environment: config.sentry.environment,
      tracesSampleRate: config.sentry.tracesSampleRate,
      release: opts.release,
      serverName: opts.serverName,
      // We report from our own error handler; Sentry's automatic integrations would double-report and patch modules.
      defaultIntegrations: false,
      sendDefaultPii: false,
    });
    initialised = true;
  }
  return {
    enabled: true,
    capture(error, context = {}) {
      Sentry.withScope((scope) => {
        if (context.requestId) scope.setTag('request_id', context.requestId);
        if (context.userId) scope.setUser({ id: context.userId });
        for (const [k, v] of Object.entries(context.tags ?? {})) scope.setTag(k, v);
        Sentry.captureException(error);
      });
    },
    breadcrumb(category, message, data) {
      Sentry.addBreadcrumb({ category, message, data, level: 'info' });
    },
    async flush(timeoutMs = 2000) {
      await Sentry.flush(timeoutMs);
    },
  };
}
