/**
 * Builds the Fastify app from its dependencies. It never listens: server.ts does, and tests use app.inject().
 */
import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import view from '@fastify/view';
import nunjucks from 'nunjucks';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import type { Config } from './config.js';
import { registerErrorHandling } from './errors.js';
import { trustedProxyHops } from './web/client-ip.js';
import { noopReporter, type ErrorReporter } from './observability/reporter.js';
import { healthRoutes } from './site/health-routes.js';
import { deepHealthRoutes } from './ops/health-routes.js';
import { opsRoutes } from './ops/routes.js';
import { practiceRoutes } from './practice/routes.js';
import { homeRoutes } from './site/home-routes.js';
import authPlugin from './auth/plugin.js';
import { authRoutes } from './auth/routes.js';
import { bearerAuthenticator } from './auth/api-tokens.js';
import { runsRoutes } from './runs/routes.js';
import { benchRoutes } from './bench/routes.js';
import { modelTopicRates } from './bench/progress.js';
import type { AppSecrets } from './auth/secrets.js';
import { createLlm, type Llm } from './llm/index.js';
import { llmAdminRoutes } from './llm/admin-routes.js';
import { accountRoutes } from './site/account-routes.js';
import { githubAuthRoutes } from './auth/github-routes.js';
import { emailAuthRoutes } from './auth/email-routes.js';
import { supabaseIssuers, supabaseRefresher, supabaseSignInEnabled } from './auth/supabase.js';
import { accessAdminRoutes } from './access/admin-routes.js';
import { accessRoutes } from './access/routes.js';
import { approvalFacts } from './access/service.js';
import { adminRoutes } from './site/admin-routes.js';
import { diagnosticsRoutes } from './site/diagnostics-routes.js';
import { feedbackRoutes } from './feedback/routes.js';
import { libraryRoutes } from './library/routes.js';
import { careerRoutes } from './career/routes.js';
import { reflectionRoutes } from './reflections/routes.js';
import { registerSecurity } from './web/security.js';
import { registerStatic } from './web/static.js';
import { viewOptions } from './web/views.js';
import { viewsDir } from './paths.js';

export interface AppDeps {
  config: Readonly<Config>;
  pool: pg.Pool;
  /** Generated once per installation and kept in the database (see auth/secrets.ts). */
  secrets: AppSecrets;
  /** Where 5xx errors are reported (Sentry when SENTRY_DSN is set). */
  reporter?: ErrorReporter;
  /** pino options, or false for no logs (tests). Defaults to the config's level. */
  logger?: FastifyServerOptions['logger'];
  /** The LLM layer, built once at start-up; built from config when absent. */
  llm?: Llm;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    llm: Llm;
  }
  interface FastifyReply {
    /** Merged into every template's context by @fastify/view. */
    locals: Record<string, unknown>;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const proxyHops = trustedProxyHops(deps.config.clientIpSource);
  // Typed as the default HTTP/1 instance so area plugins type-check against it.
  const app: FastifyInstance = Fastify({
    logger: deps.logger ?? { level: deps.config.logLevel },
    genReqId: () => randomUUID(),
    // Fly's proxy terminates TLS and sets X-Forwarded-Proto: believed for as many hops as CLIENT_IP_SOURCE says. The
    // client address for rate limits is request.clientIp (web/client-ip.ts), not Fastify's request.ip.
    trustProxy: proxyHops > 0 ? (_address: string, hop: number) => hop < proxyHops : false,
    bodyLimit: 512 * 1024,
  });
  app.decorate('deps', deps);
  app.decorate('llm', deps.llm ?? createLlm({ config: deps.config, pool: deps.pool, logger: app.log, reporter: deps.reporter }));
  app.decorateRequest('user', null);

  await app.register(formbody);
  await app.register(cookie, { secret: deps.secrets.cookieSecret });
  await app.register(view, { engine: { nunjucks }, templates: viewsDir, options: viewOptions });

  // Callback-style hooks: these run on every request, and an async hook costs a promise each time.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('preHandler', (request, reply, done) => {
    const q = request.url.indexOf('?');
    reply.locals = { ...(reply.locals ?? {}), currentUser: request.user, currentPath: q < 0 ? request.url : request.url.slice(0, q) };
    done();
  });

  registerErrorHandling(app, deps.reporter ?? noopReporter);
  // Headers, rate limits and the /admin + diagnostics guards; before any route so every route gets them.
  await registerSecurity(app, deps.config);
  const accessFacts = approvalFacts(deps.config, deps.pool);
  await app.register(authPlugin, {
    config: deps.config,
    secrets: deps.secrets,
    issuers: supabaseIssuers(deps.config),
    accessFacts,
    refresh: supabaseSignInEnabled(deps.config) ? supabaseRefresher(deps.config) : undefined,
    bearer: bearerAuthenticator(deps.config, deps.pool, accessFacts),
  });
  await registerStatic(app);
  await app.register(healthRoutes);
  await app.register(deepHealthRoutes);
  await app.register(homeRoutes);
  await app.register(authRoutes, { secrets: deps.secrets });
  await app.register(llmAdminRoutes);
  await app.register(accountRoutes);
  await app.register(runsRoutes);
  await app.register(benchRoutes);
  await app.register(practiceRoutes, { modelRates: modelTopicRates });
  await app.register(githubAuthRoutes, { accessFacts });
  await app.register(emailAuthRoutes, { accessFacts });
  await app.register(accessRoutes);
  await app.register(accessAdminRoutes);
  await app.register(adminRoutes);
  await app.register(opsRoutes);
  await app.register(diagnosticsRoutes);
  await app.register(feedbackRoutes);
  await app.register(libraryRoutes);
  await app.register(careerRoutes);
  await app.register(reflectionRoutes);
  return app;
}
