/** One pino logger for processes that are not Fastify (the worker, scripts). Fastify's own logger is pino too. */
import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';

export function createLogger(config: Pick<Config, 'logLevel'>, name: string): Logger {
  return pino({ name, level: config.logLevel });
}
export type { Logger };
