/**
 * Static files, all served by the app itself (no CDN): our CSS and scripts, the built client bundles, and the
 * browser libraries straight from node_modules.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { builtPublicDir, nodeModulesDir, publicDir } from '../paths.js';

/**
 * The client bundles and the Pyodide runtime may be loaded by a cross-origin isolated page (src/web/isolation.ts).
 * Chromium then requires the worker script itself to carry COEP, and CORP keeps every asset loadable under
 * require-corp. Neither header changes anything for a page that is not isolated.
 */
function isolationReady(res: { setHeader(name: string, value: string): unknown }): void {
  res.setHeader('cross-origin-embedder-policy', 'require-corp');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
}

export async function registerStatic(app: FastifyInstance): Promise<void> {
  const maxAge = 60 * 60 * 1000;
  await app.register(fastifyStatic, { root: publicDir, prefix: '/static/', maxAge });
  // The build writes bundles here; make sure the folder exists so a fresh checkout still boots.
  mkdirSync(builtPublicDir, { recursive: true });
  // preCompressed: the client build writes .br/.gz beside each bundle and the Pyodide runtime (12 MB -> ~5 MB).
  await app.register(fastifyStatic, { root: builtPublicDir, prefix: '/assets/', decorateReply: false, maxAge, preCompressed: true, setHeaders: isolationReady });
  const htmx = join(nodeModulesDir, 'htmx.org', 'dist');
  if (existsSync(htmx)) {
    await app.register(fastifyStatic, { root: htmx, prefix: '/vendor/htmx/', decorateReply: false, maxAge, allowedPath: (p) => p === '/htmx.min.js' || p === '/htmx.js' });
  }
}
