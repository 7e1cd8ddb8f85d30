/**
 * Every route the built app has registered, read from Fastify's own route tree (`printRoutes`), so a test can cover
 * routes added later by other areas without listing them by hand.
 */
import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Parses the tree printRoutes draws: 4 characters per level, each node's text appended to its parent's path. */
export function listRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const method of METHODS) {
    const stack: string[] = [];
    for (const line of app.printRoutes({ commonPrefix: false, method }).split('\n')) {
      const m = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
      if (!m) continue;
      const depth = m[1]!.length / 4;
      stack.length = depth;
      const url = (stack[depth - 1] ?? '') + m[2]!;
      stack[depth] = url === '//' ? '/' : url.replace(/^\/\//, '/');
      if (m[3]?.split(', ').includes(method)) routes.push({ method, url: stack[depth]! });
    }
  }
  return routes;
}
