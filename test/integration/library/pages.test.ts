/**
 * /library and /library/add over HTTP, and the worker's library-fetch handler against a loopback server that counts
 * hits. Names are answered by a resolver the test controls; the loopback allowance is the fetcher's test-only
 * setting, passed to the handler here and never set by the app.
 */
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type FetchPolicy } from '../../../src/library/fetch.js';
import { createLlm } from '../../../src/llm/index.js';
import { createLibraryFetchHandler } from '../../../worker/handlers/library-fetch.js';
import type { RunContext } from '../../../worker/handlers/types.js';
import { buildTestApp, testConfig } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { listenOnLoopback, type Listening } from '../../fakes/loopback.js';

const db = useTestDatabase();
let app: FastifyInstance;
let listening: Listening;
let port: number;
let hits = 0;
let rebindCalls = 0;

const PAGE = `<html><head><title>Attention &amp; <script>alert(1)</script> you need</title>
<meta name="description" content="A paper about &quot;transformers&quot; <img src=x onerror=alert(1)>">
</head><body><a href="javascript:alert(1)">x</a></body></html>`;

async function resolve(hostname: string): Promise<LookupAddress[]> {
  if (hostname === 'papers.test.example') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'rebind.test.example') return [{ address: ++rebindCalls === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
  if (hostname === 'private.test.example') return [{ address: '10.0.0.1', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
}
// Every address is dialled as 127.0.0.1: even a broken check could not send a packet off this machine.
const policy: FetchPolicy = { ...DEFAULT_POLICY, resolve, allowLoopbackForTests: true, dial: () => '127.0.0.1' };

beforeAll(async () => {
  const server = createServer((req, res) => {
    hits += 1;
    if (req.url === '/redirect') return res.writeHead(302, { location: '/paper' }).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  listening = await listenOnLoopback(server);
  port = listening.port;
  app = await buildTestApp(db);
});
afterAll(async () => {
  await app?.close();
  await listening?.close();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const add = (user: SignedIn, url: string) =>
  app.inject({ method: 'POST', url: '/library/add', headers: { ...user.headers, ...FORM }, payload: new URLSearchParams({ _csrf: user.csrf, url }).toString() });
const count = async (table: string) => Number((await db.pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

/** Runs the queued fetch through the worker's real handler, as the worker would after claiming it. */
async function runQueuedFetch(): Promise<unknown> {
  const { rows } = await db.pool.query(`SELECT id::text, payload FROM runs WHERE kind = 'library-fetch' AND status = 'queued' ORDER BY id DESC LIMIT 1`);
  await db.pool.query('DELETE FROM runs WHERE id = $1', [rows[0].id]);
  const ctx = { runId: rows[0].id, attempt: 1, ownerId: null, signal: new AbortController().signal, log: pino({ level: 'silent' }) } as Partial<RunContext>;
  // No ANTHROPIC_API_KEY: the summary is the offline one (items.test.ts covers the model's).
  const llm = createLlm({ config: testConfig(db), pool: db.pool, logger: pino({ level: 'silent' }) });
  return createLibraryFetchHandler({ db: db.pool, llm, policy }).handle(rows[0].payload, ctx as RunContext);
}

describe('/library/add refuses, and says why, beside the field', () => {
  it.each([
    ['http://127.0.0.1', /loopback/],
    ['http://[::1]', /loopback/],
    ['http://[::ffff:127.0.0.1]', /loopback.*IPv4-mapped/],
    ['http://2130706433', /loopback/],
    ['http://0x7f.1', /loopback/],
    ['http://169.254.169.254', /cloud metadata/],
    ['http://metadata.google.internal', /cloud metadata/],
    ['file:///etc/passwd', /Only http:\/\/ and https:\/\//],
    ['gopher://example.com/', /Only http:\/\/ and https:\/\//],
    ['', /Enter a web address/],
  ])('%s', async (url, reason) => {
    const user = await signIn(app, db);
    const [items, runs] = [await count('library_items'), await count('runs')];
    const res = await add(user, url);
    expect(res.statusCode).toBe(422);
    const error = /id="f-url-error">([^<]*)</.exec(res.body)?.[1] ?? '';
    expect(error.replace(/&#x2F;|&#47;/g, '/')).toMatch(reason);
    expect(res.body).toContain(`value="${url.replace(/&/g, '&amp;')}"`);
    expect([await count('library_items'), await count('runs')]).toEqual([items, runs]);
    expect(hits).toBe(0);
  });
});

describe('adding and fetching', () => {
  it('saves a page from a local test server, shows its title and description as inert text, to its owner only', async () => {
    const owner = await signIn(app, db);
    const empty = await app.inject({ url: '/library', headers: owner.headers });
    expect(empty.body).toContain('Nothing saved yet');
    const res = await add(owner, `http://papers.test.example:${port}/paper`);
    expect(res.statusCode).toBe(303);
    const queued = await app.inject({ url: '/library', headers: owner.headers });
    expect(queued.body).toContain('fetching');
    expect(await runQueuedFetch()).toEqual({ status: 'saved' });
    expect(hits).toBe(1);
    const page = (await app.inject({ url: '/library', headers: owner.headers })).body;
    expect(page).toContain('Attention &amp; &lt;script&gt;alert(1)&lt;/script&gt; you need');
    expect(page).toContain('A paper about &quot;transformers&quot; &lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toMatch(/<script>alert|<img src=x|javascript:/);

    const other = await signIn(app, db);
    expect((await app.inject({ url: '/library', headers: other.headers })).body).not.toContain('papers.test.example');
  });

  it('keeps the URL with status refused when the name rebinds to a private address between hops', async () => {
    const owner = await signIn(app, db);
    hits = 0;
    rebindCalls = 0;
    await add(owner, `http://rebind.test.example:${port}/redirect`);
    expect(await runQueuedFetch()).toEqual({ status: 'refused' });
    expect(hits).toBe(1);
    const page = (await app.inject({ url: '/library', headers: owner.headers })).body;
    expect(page).toContain(`http://rebind.test.example:${port}/redirect`);
    expect(rebindCalls).toBe(2);
    expect(page).toMatch(/refused[\s\S]*rebind\.test\.example resolves to 10\.0\.0\.1/);
  });

  it('keeps the URL with status refused for a name that resolves to 10.0.0.1, without connecting', async () => {
    const owner = await signIn(app, db);
    hits = 0;
    await add(owner, `http://private.test.example:${port}/paper`);
    expect(await runQueuedFetch()).toEqual({ status: 'refused' });
    expect(hits).toBe(0);
  });
});
