/**
 * The worker's internal health endpoint, for the worker-scoped [checks] entry in fly.toml: the worker serves no
 * traffic, so without this Fly could not tell a stuck worker from a healthy one. Healthy means the claim loop
 * ticked recently and the database answers with this build's schema. Plain node:http: a whole Fastify instance
 * for one route would cost the worker memory it needs for grading.
 */
import { createServer, type Server } from 'node:http';
import type { DatabaseHealth } from './health.js';

export interface WorkerHealthOptions {
  host: string;
  /** 0 picks a free port (tests); the bound one is returned. */
  port: number;
  lastTickAt(): number;
  /** A tick older than this means the loop has stopped. */
  staleAfterMs: number;
  checkDatabase(): Promise<DatabaseHealth>;
  now?: () => number;
}

export interface WorkerHealthServer {
  port: number;
  close(): Promise<void>;
}

/** Several missed polls, and never less than a slow claim on a busy machine could take. */
export function staleAfterFor(pollMs: number): number {
  return Math.max(5 * pollMs, 15_000);
}

export async function startWorkerHealth(opts: WorkerHealthOptions): Promise<WorkerHealthServer> {
  const now = opts.now ?? Date.now;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/__health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"not found"}');
      return;
    }
    const tickAgeMs = now() - opts.lastTickAt();
    void opts.checkDatabase().then((db) => {
      const loopOk = tickAgeMs <= opts.staleAfterMs;
      const body = {
        status: loopOk && db.ok ? 'ok' : 'unavailable',
        loop: loopOk ? 'ok' : `no tick for ${Math.round(tickAgeMs / 1000)} s`,
        lastTickAgeMs: tickAgeMs,
        database: db.ok ? 'ok' : db.problem,
      };
      res.writeHead(loopOk && db.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
