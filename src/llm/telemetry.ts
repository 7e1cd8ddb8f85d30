/**
 * Telemetry for every call: structured log events (llm.invoked, llm.completed, llm.error, llm.budget_exceeded) that
 * share the invocation id, and one llm_calls row per invocation. Writing the row must never break the user's call,
 * so a failure to record is logged and swallowed. The row's SQL is in telemetry-queries.ts.
 */
import type { LlmLogger, TokenUsage } from './types.js';

export const zeroUsage = (): TokenUsage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

/** The structured events. Every one carries `event` and `invocationId`, so a call's lines can be grepped together. */
export function createEvents(log: LlmLogger) {
  return {
    invoked(fields: Record<string, unknown>): void {
      log.info({ event: 'llm.invoked', ...fields }, 'llm.invoked');
    },
    completed(fields: Record<string, unknown>): void {
      log.info({ event: 'llm.completed', ...fields }, 'llm.completed');
    },
    error(fields: Record<string, unknown>): void {
      log.warn({ event: 'llm.error', ...fields }, 'llm.error');
    },
    budgetExceeded(fields: Record<string, unknown>): void {
      log.info({ event: 'llm.budget_exceeded', ...fields }, 'llm.budget_exceeded');
    },
    recordFailed(fields: Record<string, unknown>): void {
      log.error({ event: 'llm.record_failed', ...fields }, 'llm.record_failed');
    },
  };
}
