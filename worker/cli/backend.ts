/**
 * What the CLI's commands need from a Bench, whether they reach it through the HTTP API (api-client.ts) or the
 * database (direct.ts): create runs, read a run's summary (GET /api/bench/runs/:id) and its items (JSONL).
 */
import type { Created } from '../../src/bench/create.js';
import type { runSummary } from '../../src/bench/service.js';

/** A run's summary as the API returns it (dates become strings over HTTP; the CLI reads none of them). */
export type RunView = Awaited<ReturnType<typeof runSummary>>;

/** The Bench said no: bad input (named by its option), no token, no access, no such run. Exit status 1. */
export class RefusedError extends Error {}

export interface Backend {
  create(input: Record<string, unknown>): Promise<Created>;
  summary(id: string): Promise<RunView>;
  /** Writes the run's items, one JSON line each. */
  items(id: string, write: (text: string) => void): Promise<void>;
  /** Called between polls while waiting: direct mode executes a queued run in this process when no worker is alive. */
  drive?(run: RunView, say: (line: string) => void): Promise<void>;
  /** Ctrl-C: a run executing in this process goes back to the queue. */
  stop?(): void;
  close(): Promise<void>;
}
