/**
 * The handler registry: one entry per run kind. A worker claims only the kinds listed here. Add a kind by writing
 * worker/handlers/<kind>.ts and one line below.
 */
import { noopHandler } from './noop.js';
import { sleepHandler } from './sleep.js';
import type { RunHandler } from './types.js';

export type { RunHandler } from './types.js';

export type HandlerRegistry = ReadonlyMap<string, RunHandler>;

export function createRegistry(handlers: RunHandler[]): HandlerRegistry {
  const map = new Map<string, RunHandler>();
  for (const h of handlers) {
    if (map.has(h.kind)) throw new Error(`Two handlers for run kind "${h.kind}"`);
    map.set(h.kind, h);
  }
  return map;
}

export const registry: HandlerRegistry = createRegistry([noopHandler, sleepHandler]);
