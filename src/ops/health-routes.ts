/**
 * /__health/deep: the check Fly routes traffic by (fly.toml). 503 while the database is unreachable or this
 * build's migrations are not all applied; 200 again as soon as they are. /__health stays the shallow liveness
 * answer. Neither says more than ok/not ok and why: no versions or hostnames for a stranger.
 */
import type { FastifyInstance } from 'fastify';
import { createDatabaseCheck } from './health.js';

export async function deepHealthRoutes(app: FastifyInstance): Promise<void> {
  const check = createDatabaseCheck(app.deps.pool);
  app.get('/__health/deep', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const db = await check();
    if (!db.ok) return reply.code(503).send({ status: 'unavailable', database: db.problem });
    return { status: 'ok', database: 'ok' };
  });
}
