/**
 * A Sentry ingest endpoint on 127.0.0.1: accepts envelopes the real @sentry/node transport sends to
 * `/api/<project>/envelope/` and keeps the events (errors) and transactions (traces), so tests assert what would
 * have reached Sentry, and wait for an event to arrive rather than for a while.
 */
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

export type SentryItem = Record<string, unknown>;

export interface FakeSentry {
  dsn: string;
  events: SentryItem[];
  transactions: SentryItem[];
  /** Resolves with the first event (already there or still to come) that matches. */
  waitForEvent(match: (event: SentryItem) => boolean): Promise<SentryItem>;
  close(): Promise<void>;
}

export async function startFakeSentry(): Promise<FakeSentry> {
  const events: SentryItem[] = [];
  const transactions: SentryItem[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      // An envelope is newline-separated JSON: a header, then item-header/item pairs.
      const lines = body.toString('utf8').split('\n').filter(Boolean);
      for (let i = 1; i + 1 < lines.length; i += 2) {
        const itemHeader = JSON.parse(lines[i]!);
        if (itemHeader.type === 'event') events.push(JSON.parse(lines[i + 1]!));
        if (itemHeader.type === 'transaction') transactions.push(JSON.parse(lines[i + 1]!));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    events,
    transactions,
    waitForEvent(match) {
      return new Promise((resolve) => {
        const check = () => {
          const found = events.find(match);
          if (found) {
            waiters.delete(check);
            resolve(found);
          }
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
