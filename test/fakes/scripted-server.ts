/**
 * The shared core of the LLM API fakes: a real HTTP server on 127.0.0.1 that records every request and answers each
 * one with the next scripted step (or the default step once the script runs out). A test scripts what the API
 * does -- answer, rate-limit, hang -- and the real SDK talks to it over the loopback.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: any;
  /** Date.now() when the request arrived: lets a test check a retry waited for retry-after. */
  at: number;
  /** Date.now() once the answer was handed to the socket (unset while it waits, and for a hang). */
  answeredAt?: number;
}

export interface ScriptedServer<Step> {
  /** The base URL to give the SDK. */
  url: string;
  requests: RecordedRequest[];
  /** Scripted requests open now (a request is open until answered or cut), and the most at once since start or reset(). */
  readonly open: number;
  readonly peakOpen: number;
  /** Holds every answer until the returned function is called: lets a test see how many requests a client keeps open. */
  hold(): () => void;
  /** Queues steps: each request consumes the next one. */
  script(...steps: Step[]): void;
  /** The step used when the queue is empty (initially the fake's normal answer). */
  always(step: Step): void;
  /** Forgets recorded requests and queued steps, and restores the normal answer. */
  reset(): void;
  close(): Promise<void>;
}

/** Steps every fake understands: never answer, or answer 200 with a body that is not what the API would send. */
export type CommonStep = { type: 'hang' } | { type: 'malformed'; body?: string };

export interface Responder<Step> {
  /** Which requests are the API's (others get 404). */
  matches(method: string, path: string): boolean;
  /** Answers one request with one of the fake's own steps (hang and malformed are handled here). */
  respond(step: Exclude<Step, CommonStep>, request: RecordedRequest, res: ServerResponse): void;
  defaultStep: Step;
  /** A prefix of the URL path the SDK is given (e.g. '/v1' for OpenAI-style clients). */
  basePath?: string;
  /** Answers a request outside the script (e.g. a model list), without recording it or using a step; true if it did. */
  aside?(method: string, path: string, res: ServerResponse): boolean;
}

export async function startScriptedServer<Step extends { type: string; delayMs?: number }>(responder: Responder<Step>): Promise<ScriptedServer<Step>> {
  const requests: RecordedRequest[] = [];
  let queue: Step[] = [];
  let fallback = responder.defaultStep;
  let open = 0;
  let peakOpen = 0;
  let held: (() => void)[] | null = null;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep the raw text
      }
      const path = (req.url ?? '/').split('?')[0]!;
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, at: Date.now() };
      if (responder.aside?.(recorded.method, path, res)) return;
      if (!responder.matches(recorded.method, path)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${path}` } }));
        return;
      }
      requests.push(recorded);
      open++;
      peakOpen = Math.max(peakOpen, open);
      res.once('close', () => void open--);
      const step = queue.length > 0 ? queue.shift()! : fallback;
      const answer = () => {
        if (res.destroyed) return;
        const common = step as Step | CommonStep;
        if (common.type === 'hang') return; // the socket stays open until the client gives up or close() cuts it
        if (common.type === 'malformed') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('body' in common && common.body !== undefined ? common.body : '{"trunc');
          return;
        }
        responder.respond(step as Exclude<Step, CommonStep>, recorded, res);
        recorded.answeredAt = Date.now();
      };
      const go = () => (step.delayMs ? void setTimeout(answer, step.delayMs) : answer());
      if (held) held.push(go);
      else go();
    });
  });
  // Clients keep their connections, as with a real provider: undici drops a connection whose server announces a
  // keep-alive under its own 1 s margin, so at 1 s every request opened a new one. close() cuts idle ones anyway.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}${responder.basePath ?? ''}`,
    requests,
    get open() {
      return open;
    },
    get peakOpen() {
      return peakOpen;
    },
    hold() {
      held ??= [];
      return () => {
        const waiting = held ?? [];
        held = null;
        for (const go of waiting) go();
      };
    },
    script: (...steps) => void queue.push(...steps),
    always: (step) => void (fallback = step),
    reset() {
      requests.length = 0;
      peakOpen = open;
      queue = [];
      fallback = responder.defaultStep;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hung requests keep their sockets open; cut them so close() returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** A rough token count for the fakes' usage figures: about four bytes a token, as for English text. */
export function roughTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}
