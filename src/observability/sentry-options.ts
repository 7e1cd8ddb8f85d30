/**
 * What every Bench process tells Sentry about itself: release = the git sha the image was built from, and tags from
 * Fly's machine variables, so an event says which region, process group and machine it came from.
 */
import { hostname } from 'node:os';
import type { NodeOptions } from '@sentry/node';
import type { Config } from '../config.js';

export type SentryConfig = Pick<Config, 'sentry' | 'version' | 'fly'>;

/** 'web' or 'worker': Fly's process group when there is one, else what the entry script is. */
export function processGroupOf(config: Pick<Config, 'fly'>, entryScript = process.argv[1] ?? ''): string {
  return config.fly.processGroup ?? (/[/\\]worker[/\\]/.test(entryScript) ? 'worker' : 'web');
}

export function sentryTags(config: SentryConfig, processGroup: string): Record<string, string> {
  const tags: Record<string, string> = { process_group: processGroup };
  if (config.fly.region) tags.region = config.fly.region;
  if (config.fly.machineId) tags.machine_id = config.fly.machineId;
  if (config.fly.appName) tags.fly_app = config.fly.appName;
  return tags;
}

export function baseSentryOptions(config: SentryConfig, processGroup: string): NodeOptions {
  return {
    dsn: config.sentry.dsn,
    environment: config.sentry.environment,
    release: config.version,
    tracesSampleRate: config.sentry.tracesSampleRate,
    serverName: config.fly.machineId ?? hostname(),
    initialScope: { tags: sentryTags(config, processGroup) },
    sendDefaultPii: false,
  };
}
