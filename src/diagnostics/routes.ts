/**
 * Diagnostics for an operator checking a deployment: /__sentry/test raises an error on purpose (it should appear in
 * Sentry with this request's id), /__claude/test says which LLM provider a call would use. Both are gated by path in
 * web/security.ts: 404 unless diagnostics are enabled (not prod, or LIS_DIAGNOSTICS_ENABLED=1), and admins only.
 */
import type { FastifyInstance } from 'fastify';

export class DiagnosticTestError extends Error {
  constructor() {
    super('Diagnostic test error raised on purpose from /__sentry/test');
    this.name = 'DiagnosticTestError';
  }
}

export async function diagnosticsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/__sentry/test', async () => {
    throw new DiagnosticTestError();
  });

  // A placeholder until the LLM area wires a real round trip: it reports the choice without spending tokens.
  app.get('/__claude/test', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const { apiKey, baseUrl } = app.deps.config.anthropic;
    return {
      provider: apiKey ? 'anthropic' : 'offline',
      baseUrl: apiKey ? (baseUrl ?? 'default') : null,
      detail: apiKey ? 'ANTHROPIC_API_KEY is set' : 'ANTHROPIC_API_KEY unset: offline fallbacks are used',
    };
  });
}
