/**
 * A fake OpenAI-style chat-completions endpoint (POST /v1/chat/completions) on 127.0.0.1 for the real `openai` SDK,
 * standing in for OpenRouter, Chutes or a local vLLM.
 *
 *   const fake = await startFakeOpenAiCompatible();     // OPENAI_COMPAT_BASE_URL = fake.url (ends in /v1)
 *   fake.script(openaiCompat.completion({ content: null, reasoning: 'the answer', reasoningField: 'reasoning_content' }));
 *
 * With no script it answers every request with content "ok".
 */
import type { ServerResponse } from 'node:http';
import { roughTokens, sendJson, startScriptedServer, type CommonStep, type RecordedRequest, type ScriptedServer } from './scripted-server.js';

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
}

export type OpenAiStep = { delayMs?: number } & (
  | {
      type: 'completion';
      /** message.content; null sends `"content": null` (reasoning servers do). Default "ok". */
      content?: string | null | ((body: any) => string);
      /** Text for the reasoning field. */
      reasoning?: string;
      /** Which field carries it: OpenRouter says `reasoning`, vLLM and DeepSeek say `reasoning_content`. */
      reasoningField?: 'reasoning' | 'reasoning_content';
      usage?: Partial<Usage>;
      finishReason?: string;
      model?: string;
      /** system_fingerprint, absent unless given. */
      fingerprint?: string;
    }
  | { type: 'rate_limited'; retryAfter?: string }
  | { type: 'unauthorized' }
  | CommonStep
  | { type: 'error'; status: number; message?: string }
);

export const openaiCompat = {
  completion: (o: Omit<Extract<OpenAiStep, { type: 'completion' }>, 'type'> = {}): OpenAiStep => ({ type: 'completion', ...o }),
  rateLimited: (o: { retryAfter?: string } = {}): OpenAiStep => ({ type: 'rate_limited', ...o }),
  unauthorized: (): OpenAiStep => ({ type: 'unauthorized' }),
  hang: (): OpenAiStep => ({ type: 'hang' }),
  malformed: (body = '{"choices": [ {"message": '): OpenAiStep => ({ type: 'malformed', body }),
  error: (status: number, message?: string): OpenAiStep => ({ type: 'error', status, message }),
};

export type FakeOpenAiCompatible = ScriptedServer<OpenAiStep> & {
  /** What GET /v1/models answers: these ids (default: none), or an error status. Requests to it are counted here. */
  models: { ids: string[]; status?: number; requests: number };
};

const apiError = (res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { error: { message, type: code, code } }, headers);

function respond(step: Exclude<OpenAiStep, CommonStep>, req: RecordedRequest, res: ServerResponse): void {
  const body = req.body;
  switch (step.type) {
    case 'rate_limited':
      return apiError(res, 429, 'Rate limit exceeded', 'rate_limit_exceeded', step.retryAfter ? { 'retry-after': step.retryAfter } : {});
    case 'unauthorized':
      return apiError(res, 401, 'Incorrect API key provided', 'invalid_api_key');
    case 'error':
      return apiError(res, step.status, step.message ?? `error ${step.status}`, 'server_error');
    case 'completion': {
      if (typeof body?.model !== 'string' || !Array.isArray(body?.messages)) {
        return apiError(res, 400, 'model and messages are required', 'invalid_request_error');
      }
      const content = typeof step.content === 'function' ? step.content(body) : step.content === undefined ? 'ok' : step.content;
      const prompt = body.messages.map((m: { content?: unknown }) => String(m.content ?? '')).join('');
      const produced = (content ?? '') + (step.reasoning ?? '');
      const u = { prompt_tokens: roughTokens(prompt), completion_tokens: roughTokens(produced), cached_tokens: 0, ...step.usage };
      const message: Record<string, unknown> = { role: 'assistant', content };
      if (step.reasoning !== undefined) message[step.reasoningField ?? 'reasoning'] = step.reasoning;
      return sendJson(res, 200, {
        id: `chatcmpl-fake-${req.at}`,
        object: 'chat.completion',
        created: Math.floor(req.at / 1000),
        model: step.model ?? body.model,
        choices: [{ index: 0, message, finish_reason: step.finishReason ?? 'stop' }],
        ...(step.fingerprint ? { system_fingerprint: step.fingerprint } : {}),
        usage: {
          prompt_tokens: u.prompt_tokens,
          completion_tokens: u.completion_tokens,
          total_tokens: u.prompt_tokens + u.completion_tokens,
          prompt_tokens_details: { cached_tokens: u.cached_tokens },
        },
      });
    }
  }
}

export async function startFakeOpenAiCompatible(): Promise<FakeOpenAiCompatible> {
  const models: FakeOpenAiCompatible['models'] = { ids: [], requests: 0 };
  const server = await startScriptedServer<OpenAiStep>({
    matches: (method, path) => method === 'POST' && path === '/v1/chat/completions',
    respond,
    defaultStep: { type: 'completion' },
    basePath: '/v1',
    aside(method, path, res) {
      if (method !== 'GET' || path !== '/v1/models') return false;
      models.requests++;
      if (models.status) apiError(res, models.status, models.status === 401 ? 'Incorrect API key provided' : `error ${models.status}`, 'invalid_request_error');
      else sendJson(res, 200, { object: 'list', data: models.ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake-org' })) });
      return true;
    },
  });
  return Object.assign(server, { models });
}
