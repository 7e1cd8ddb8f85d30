/**
 * A Sentry ingest endpoint on 127.0.0.1: accepts envelopes the real @sentry/node transport sends to
 * `/api/<project>/envelope/` and keeps the events, so tests assert what would have reached Sentry.
 */
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface FakeSentry {
  dsn: string;
  events: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFakeSentry(): Promise<FakeSentry> {
  const events: Record<string, unknown>[] = [];
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
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    events,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
