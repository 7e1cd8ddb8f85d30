/**
 * Diagnostics for an operator checking a deployment: /__sentry/test raises an error on purpose (it should appear in
 * Sentry with this request's id), /__claude/test sends a tiny prompt to Claude. Both are gated by path in
 * web/security.ts: 404 unless diagnostics are enabled (not prod, or LIS_DIAGNOSTICS_ENABLED=1), and admins only.
 */
import type { FastifyInstance } from 'fastify';
import { userOf } from '../auth/current-user.js';
import { providerCheckPrompt } from '../llm/prompts/provider-check.js';

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

  // A Claude round trip: a tiny prompt through the anthropic provider and the same cap, telemetry and offline
  // fallback as every feature, so an operator can check a deployed key with one request.
  app.get('/__claude/test', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const nonce = 'ready';
    const result = await app.llm.complete({
      userId: userOf(request).id,
      feature: 'provider_test',
      provider: 'anthropic',
      prompt: providerCheckPrompt.build({ nonce }),
      maxOutputTokens: 16,
      offline: () => ({ text: `${nonce} (offline)` }),
      requestId: request.id,
    });
    return {
      source: result.source,
      answered: result.text.toLowerCase().includes(nonce),
      text: result.text,
      notice: result.notice ?? null,
      usage: result.usage ?? null,
      costUsd: result.costUsd ?? null,
      invocationId: result.invocationId,
    };
  });
}
