/**
 * A small cache of rendered practice pages (the problem list and problem pages), so a reload costs a lookup
 * instead of database reads and a template render. Correctness rests on three rules:
 *  - the key is the URL plus the whole Cookie header: another session, CSRF secret or token is another entry;
 *  - every entry remembers its user's generation, taken BEFORE the page's data was read; any change to that
 *    user's practice state (user-events.ts) bumps the generation, so a page rendered from older data never hits;
 *  - while the change listener is not connected the cache is bypassed, and it is emptied on (re)connect.
 * Pages whose content depends on something other than the user's state (a pending attempt's live progress,
 * relative times) are not cached by the routes. Entries also expire after a minute as a backstop.
 */
import type pg from 'pg';
import { listenUserChanges, type UserChangeListener } from './user-events.js';

const MAX_ENTRIES = 300;
const TTL_MS = 60_000;

interface Entry {
  userId: string;
  generation: number;
  body: Buffer;
  storedAt: number;
}

export interface PageCache {
  /** The generation to pass to set(): read it before loading the page's data. */
  generation(userId: string): number;
  get(key: string, userId: string): Buffer | undefined;
  set(key: string, userId: string, generation: number, body: string): Buffer;
  /** This process changed the user's state: drop their pages now (the NOTIFY tells the other processes). */
  invalidate(userId: string): void;
  enabled(): boolean;
  close(): Promise<void>;
}

export function createPageCache(pool: pg.Pool, log?: { warn(obj: unknown, msg: string): void }): PageCache {
  const entries = new Map<string, Entry>();
  const generations = new Map<string, number>();
  let listening = false;

  const bump = (userId: string) => generations.set(userId, (generations.get(userId) ?? 0) + 1);
  const listener: UserChangeListener = listenUserChanges(pool, {
    onChange: bump,
    onState(connected) {
      // Changes may have been missed while disconnected: start from nothing either way.
      entries.clear();
      listening = connected;
    },
    log,
  });

  return {
    generation: (userId) => generations.get(userId) ?? 0,
    get(key, userId) {
      if (!listening) return undefined;
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.userId !== userId || e.generation !== (generations.get(userId) ?? 0) || Date.now() - e.storedAt > TTL_MS) {
        entries.delete(key);
        return undefined;
      }
      return e.body;
    },
    set(key, userId, generation, body) {
      const buf = Buffer.from(body);
      if (!listening || generation !== (generations.get(userId) ?? 0)) return buf;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, { userId, generation, body: buf, storedAt: Date.now() });
      return buf;
    },
    invalidate: (userId) => void bump(userId),
    enabled: () => listening && listener.connected(),
    close: () => listener.close(),
  };
}
