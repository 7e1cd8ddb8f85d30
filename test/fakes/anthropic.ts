/**
 * A fake Anthropic Messages API (POST /v1/messages) on 127.0.0.1 for the real @anthropic-ai/sdk.
 *
 *   const fake = await startFakeAnthropic();            // ANTHROPIC_BASE_URL = fake.url
 *   fake.script(anthropic.rateLimited({ retryAfter: '1' }), anthropic.message({ text: 'hi' }));
 *   ... fake.requests[0].body.messages ...
 *   await fake.close();
 *
 * With no script it answers every request with a normal message echoing nothing in particular ("ok").
 */
import type { ServerResponse } from 'node:http';
import { roughTokens, sendJson, startScriptedServer, type CommonStep, type RecordedRequest, type ScriptedServer } from './scripted-server.js';

export const FAKE_ANTHROPIC_KEY = 'sk-ant-test-key';

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export type AnthropicStep = { delayMs?: number } & (
  | {
      type: 'message';
      /** The answer; a function sees the request body. Default: "ok". */
      text?: string | ((body: any) => string);
      /** Overrides of the usage block; by default about four bytes a token, output capped at max_tokens. */
      usage?: Partial<Usage> | ((body: any) => Partial<Usage>);
      stopReason?: string;
      /** The model id the API reports; default the requested one with a date suffix, as the real API does. */
      model?: string;
      /** A thinking block before the text (it must not reach the answer). */
      thinking?: string;
    }
  | { type: 'rate_limited'; retryAfter?: string; retryAfterMs?: number }
  | { type: 'overloaded'; retryAfter?: string }
  | { type: 'unauthorized' }
  | CommonStep
  | { type: 'error'; status: number; errorType: string; message?: string }
);

/** Step builders, so tests read as what the API does. */
export const anthropic = {
  message: (o: Omit<Extract<AnthropicStep, { type: 'message' }>, 'type'> = {}): AnthropicStep => ({ type: 'message', ...o }),
  rateLimited: (o: { retryAfter?: string; retryAfterMs?: number } = {}): AnthropicStep => ({ type: 'rate_limited', ...o }),
  overloaded: (o: { retryAfter?: string } = {}): AnthropicStep => ({ type: 'overloaded', ...o }),
  unauthorized: (): AnthropicStep => ({ type: 'unauthorized' }),
  hang: (): AnthropicStep => ({ type: 'hang' }),
  malformed: (body = '{"type":"message","content":[{"type":"text","text":"trunc'): AnthropicStep => ({ type: 'malformed', body }),
  error: (status: number, errorType: string, message?: string): AnthropicStep => ({ type: 'error', status, errorType, message }),
};

export type FakeAnthropic = ScriptedServer<AnthropicStep>;

const apiError = (res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { type: 'error', error: { type, message } }, { 'request-id': `req_fake_${Date.now()}`, ...headers });

function promptText(body: any): string {
  const system = typeof body?.system === 'string' ? body.system : '';
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  return system + messages.map((m: { content?: unknown }) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('');
}

function respond(step: Exclude<AnthropicStep, CommonStep>, req: RecordedRequest, res: ServerResponse): void {
  const body = req.body;
  switch (step.type) {
    case 'rate_limited': {
      const headers: Record<string, string> = {};
      if (step.retryAfter !== undefined) headers['retry-after'] = step.retryAfter;
      if (step.retryAfterMs !== undefined) headers['retry-after-ms'] = String(step.retryAfterMs);
      return apiError(res, 429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', headers);
    }
    case 'overloaded':
      return apiError(res, 529, 'overloaded_error', 'Overloaded', step.retryAfter ? { 'retry-after': step.retryAfter } : {});
    case 'unauthorized':
      return apiError(res, 401, 'authentication_error', 'invalid x-api-key');
    case 'error':
      return apiError(res, step.status, step.errorType, step.message ?? step.errorType);
    case 'message': {
      // SDK 1.x sends the key as a bearer token; older clients send x-api-key. The API takes either.
      const key = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '');
      if (key !== FAKE_ANTHROPIC_KEY) return apiError(res, 401, 'authentication_error', 'invalid x-api-key');
      if (typeof body?.model !== 'string' || typeof body?.max_tokens !== 'number' || !Array.isArray(body?.messages)) {
        return apiError(res, 400, 'invalid_request_error', 'model, max_tokens and messages are required');
      }
      const text = typeof step.text === 'function' ? step.text(body) : (step.text ?? 'ok');
      const overrides = typeof step.usage === 'function' ? step.usage(body) : (step.usage ?? {});
      const usage: Usage = {
        input_tokens: roughTokens(promptText(body)),
        output_tokens: Math.min(body.max_tokens, roughTokens(text) + (step.thinking ? roughTokens(step.thinking) : 0)),
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
        ...overrides,
      };
      const content = [
        ...(step.thinking ? [{ type: 'thinking', thinking: step.thinking, signature: 'fake' }] : []),
        { type: 'text', text },
      ];
      return sendJson(res, 200, {
        id: `msg_fake_${req.at}`,
        type: 'message',
        role: 'assistant',
        model: step.model ?? `${body.model}-20250929`,
        content,
        stop_reason: step.stopReason ?? 'end_turn',
        stop_sequence: null,
        usage,
      });
    }
  }
}

export function startFakeAnthropic(): Promise<FakeAnthropic> {
  return startScriptedServer<AnthropicStep>({
    matches: (method, path) => method === 'POST' && path === '/v1/messages',
    respond,
    defaultStep: { type: 'message' },
  });
}
