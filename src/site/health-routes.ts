/**
 * Liveness for Fly's health check. Deliberately shallow: it never touches the database, so a slow or restarting
 * database does not get the machine killed and restarted in a loop.
 */
import type { FastifyInstance } from 'fastify';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/__health', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
}
