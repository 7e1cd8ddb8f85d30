/**
 * A fake Resend API on 127.0.0.1 for the real `resend` SDK. It records every request with its headers, refuses a
 * request without a User-Agent the way Cloudflare in front of Resend does (403, error 1010), and can be told to fail.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedEmail {
  headers: IncomingHttpHeaders;
  body: { from: string; to: string[]; subject: string; text?: string; html?: string };
}

export interface FakeResend {
  url: string;
  emails: RecordedEmail[];
  /** 'ok', an HTTP error status Resend would send, or 'hang' (accepts the request, never answers). */
  mode: 'ok' | 500 | 422 | 'hang';
  close(): Promise<void>;
}

export async function startFakeResend(): Promise<FakeResend> {
  const fake = { url: '', emails: [] as RecordedEmail[], mode: 'ok' } as FakeResend;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (fake.mode === 'hang') return;
    if (!req.headers['user-agent']) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      return res.end('error code: 1010');
    }
    if (req.method !== 'POST' || req.url !== '/emails') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ statusCode: 404, name: 'not_found', message: 'not found' }));
    }
    if (fake.mode !== 'ok') {
      res.writeHead(fake.mode, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ statusCode: fake.mode, name: 'application_error', message: 'fake Resend told to fail' }));
    }
    fake.emails.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: randomUUID() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}
