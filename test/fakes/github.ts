/**
 * A fake GitHub REST API on 127.0.0.1: POST /repos/{owner}/{repo}/issues, as GitHub answers it. It records every
 * request, checks the bearer token like GitHub would (401 "Bad credentials"), and can be told to fail with 500.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './loopback.js';
import { sendJson as json } from './scripted-server.js';

export interface RecordedIssue {
  owner: string;
  repo: string;
  headers: IncomingHttpHeaders;
  body: { title: string; body?: string; labels?: string[] };
  number: number;
}

export interface FakeGitHub {
  url: string;
  /** The token it accepts; any other gets 401. */
  token: string;
  /** Issues it created (not the requests it refused). */
  issues: RecordedIssue[];
  /** Every request it received, refused or not. */
  requests: number;
  mode: 'ok' | 500;
  close(): Promise<void>;
}

export const FAKE_GITHUB_TOKEN = 'github_pat_fake_feedback';

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const fake = { url: '', token: FAKE_GITHUB_TOKEN, issues: [] as RecordedIssue[], requests: 0, mode: 'ok' } as FakeGitHub;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    fake.requests += 1;
    const route = /^\/repos\/([\w.-]+)\/([\w.-]+)\/issues$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !route) return json(res, 404, { message: 'Not Found' });
    if (req.headers.authorization !== `Bearer ${fake.token}`) return json(res, 401, { message: 'Bad credentials', status: '401' });
    if (!req.headers['user-agent']) return json(res, 403, { message: 'Request forbidden by administrative rules.' });
    if (fake.mode === 500) return json(res, 500, { message: 'Server Error' });
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof body.title !== 'string' || !body.title) return json(res, 422, { message: 'Validation Failed' });
    const number = fake.issues.length + 1;
    fake.issues.push({ owner: route[1]!, repo: route[2]!, headers: req.headers, body, number });
    json(res, 201, { number, html_url: `https://github.example/${route[1]}/${route[2]}/issues/${number}`, title: body.title });
  });
  const listening = await listenOnLoopback(server);
  fake.url = listening.url;
  fake.close = listening.close;
  return fake;
}
