/**
 * API mode: the CLI as a client of a Bench's JSON API, authenticated by a personal API token (no cookie, so no
 * CSRF token). A refusal becomes a RefusedError carrying the server's reason; a 400 names the command-line option.
 */
import type { Created } from '../../src/bench/create.js';
import { optionFor } from './args.js';
import { RefusedError, type Backend, type RunView } from './backend.js';

async function reasonOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { field?: string; message?: string; error?: { message?: string } | string };
    if (res.status === 400 && body.field && body.message) return `${optionFor(body.field)}: ${body.message}`;
    const message = typeof body.error === 'object' ? body.error?.message : body.message;
    if (message) return `${res.status}: ${message}`;
  } catch {
    // not JSON: a proxy's page, say
  }
  return `${res.status} ${res.statusText}`;
}

export function apiBackend(apiUrl: string, token: string): Backend {
  const base = apiUrl.replace(/\/+$/, '');
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}`, accept: 'application/json' } });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new RefusedError(`cannot reach ${base}: ${cause}`);
    }
    if (!res.ok) throw new RefusedError(await reasonOf(res));
    return res;
  }
  return {
    async create(input) {
      const res = await call('/api/bench/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      return (await res.json()) as Created;
    },
    async summary(id) {
      return (await (await call(`/api/bench/runs/${encodeURIComponent(id)}`)).json()) as RunView;
    },
    async items(id, write) {
      const res = await call(`/api/bench/runs/${encodeURIComponent(id)}/items`);
      const decoder = new TextDecoder();
      for await (const chunk of res.body ?? []) write(decoder.decode(chunk as Uint8Array, { stream: true }));
      write(decoder.decode());
    },
    async close() {},
  };
}
