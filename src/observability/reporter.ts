/**
 * Error reporting behind a small interface, so routes and the worker never import Sentry directly and the app runs
 * the same with it off. With SENTRY_DSN set, 5xx errors and worker failures are sent to Sentry; breadcrumbs (e.g.
 * an AI budget being used up) give those reports context.
 */
import * as Sentry from '@sentry/node';
import { baseSentryOptions, processGroupOf, type SentryConfig } from './sentry-options.js';

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

/**
 * The processes are started with instrument.ts, which has initialised Sentry with its process-wide integrations by
 * now. Started without it (tests, tsx), Sentry is initialised here with the same release and tags but none of the
 * global handlers, which would fight the test runner's own.
 */
export function createReporter(config: SentryConfig, opts: { processGroup?: string } = {}): ErrorReporter {
  if (!config.sentry.dsn) return noopReporter;
  if (Sentry.getClient()?.getOptions().dsn !== config.sentry.dsn) {
    Sentry.init({ ...baseSentryOptions(config, opts.processGroup ?? processGroupOf(config)), defaultIntegrations: false });
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
