/**
 * A saved library item: what is read from a page served by a loopback test server (metadata, ids, main text, all as
 * inert text), the summary and tags (offline, and by the model through the real Anthropic SDK against the loopback
 * fake, including JSON that cannot be read), and what the owner does with it: read/unread, tags, links to problems.
 * Another user gets 404 on all of it.
 */
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type FetchPolicy } from '../../../src/library/fetch.js';
import { UNREADABLE_SUMMARY_NOTICE } from '../../../src/library/summary.js';
import { createLlm, type Llm } from '../../../src/llm/index.js';
import { loadBank } from '../../../src/practice/bank.js';
import { syncBank } from '../../../src/practice/bank-sync.js';
import { createLibraryFetchHandler } from '../../../worker/handlers/library-fetch.js';
import type { RunContext } from '../../../worker/handlers/types.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { listenOnLoopback, type Listening } from '../../fakes/loopback.js';
import { buildTestApp, testConfig } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
let listening: Listening;
let fake: FakeAnthropic;
let offlineLlm: Llm;
let modelLlm: Llm;
const silent = pino({ level: 'silent' });

const ARTICLE = `<!doctype html><html><head><title>Scaling notes &amp; more</title>
<meta name="citation_title" content="Notes on training transformers">
<meta name="citation_author" content="Ada Lovelace"><meta name="citation_author" content="Alan Turing">
<meta name="citation_publication_date" content="2023-05-01"><meta name="citation_arxiv_id" content="2305.12345">
<meta name="citation_doi" content="10.1145/1234.5678">
<meta name="description" content="How we train transformers with PyTorch on Kubernetes.">
<script>window.pwned = 1</script></head><body><nav><a href="/">Home</a></nav><article>
<h1>Notes on training transformers</h1>
<p>We train large transformer models with PyTorch and schedule the jobs on Kubernetes. ${'Checkpoints are written often. '.repeat(20)}</p>
<p>A figure <img src="x" onerror="window.pwned = 2"> and <a href="javascript:window.pwned = 3">a link that does nothing</a>. ${'Evaluation matters too. '.repeat(20)}</p>
<script>window.pwned = 4</script>
</article></body></html>`;

async function resolve(hostname: string): Promise<LookupAddress[]> {
  if (hostname === 'papers.test.example') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
}
const policy: FetchPolicy = { ...DEFAULT_POLICY, resolve, allowLoopbackForTests: true, dial: () => '127.0.0.1' };

beforeAll(async () => {
  listening = await listenOnLoopback(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE)));
  fake = await startFakeAnthropic();
  await syncBank(db.pool, loadBank());
  app = await buildTestApp(db);
  offlineLlm = createLlm({ config: testConfig(db), pool: db.pool, logger: silent });
  const env = { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, LLM_MAX_RETRIES: '0' };
  modelLlm = createLlm({ config: testConfig(db, env), pool: db.pool, logger: silent });
});
afterAll(async () => {
  await app?.close();
  await listening?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const post = (user: SignedIn, url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { ...user.headers, ...FORM, ...headers }, payload: new URLSearchParams({ _csrf: user.csrf, ...fields }).toString() });
const get = (user: SignedIn, url: string) => app.inject({ url, headers: user.headers });

/** Adds the article and fetches it through the worker's real handler, as the worker would after claiming the run. */
async function saveArticle(user: SignedIn, llm: Llm): Promise<string> {
  const res = await post(user, '/library/add', { url: `http://papers.test.example:${listening.port}/notes` });
  const id = /#item-(\d+)$/.exec(String(res.headers.location))![1]!;
  const { rows } = await db.pool.query(`SELECT id::text, payload FROM runs WHERE kind = 'library-fetch' AND payload->>'itemId' = $1`, [id]);
  const ctx = { runId: rows[0].id, attempt: 1, ownerId: null, signal: new AbortController().signal, log: silent } as Partial<RunContext>;
  expect(await createLibraryFetchHandler({ db: db.pool, llm, policy }).handle(rows[0].payload, ctx as RunContext)).toEqual({ status: 'saved' });
  return id;
}

describe('what is read from the page', () => {
  it('shows metadata, ids, the offline summary and taxonomy tags, and the main text, all inert', async () => {
    const user = await signIn(app, db);
    const id = await saveArticle(user, offlineLlm);
    const page = (await get(user, `/library/${id}`)).body;
    expect(page).toContain('<h1>Notes on training transformers</h1>');
    expect(page).toContain('By Ada Lovelace, Alan Turing');
    expect(page).toContain('2023-05-01');
    expect(page).toContain('href="https://arxiv.org/abs/2305.12345"');
    expect(page).toContain('href="https://doi.org/10.1145/1234.5678"');
    expect(page).toContain('AI is not configured; showing the details read from the page itself');
    expect(page).toContain('How we train transformers with PyTorch on Kubernetes.');
    for (const tag of ['PyTorch', 'Kubernetes']) expect(page).toContain(`<span class="badge">${tag}</span>`);
    expect(page).toContain('We train large transformer models with PyTorch');
    expect(page).toContain('a link that does nothing');
    // Nothing from the page that could run reaches ours: no script, no handler attribute, no javascript: URL.
    expect(page).not.toMatch(/pwned|onerror|javascript:|<img src="x"/);
  });
});

describe('summary and tags by the model', () => {
  it('sends the page text and stores the checked summary and tags', async () => {
    const user = await signIn(app, db);
    fake.script(anthropic.message({ text: '{"summary":"Practical notes on training transformers at scale.","tags":["Transformers","distributed training","transformers"]}' }));
    const id = await saveArticle(user, modelLlm);
    const sent = fake.requests.at(-1)!.body as { messages: { content: string }[] };
    expect(sent.messages[0]!.content).toContain('We train large transformer models with PyTorch');
    expect(sent.messages[0]!.content).not.toContain('pwned = 1');
    const { rows } = await db.pool.query('SELECT summary, summary_source, auto_tags FROM library_items WHERE id = $1', [id]);
    expect(rows[0]).toEqual({ summary: 'Practical notes on training transformers at scale.', summary_source: 'llm', auto_tags: ['transformers', 'distributed training'] });
    expect((await get(user, `/library/${id}`)).body).toContain('Summary and tags written by the model from the page.');
  });

  it('falls back to the page’s own description, with a note, when the model’s JSON cannot be read', async () => {
    const user = await signIn(app, db);
    fake.script(anthropic.message({ text: '{"summary": 42, "tags": "all of them"}' }));
    const id = await saveArticle(user, modelLlm);
    const { rows } = await db.pool.query('SELECT summary, summary_source, summary_notice, auto_tags FROM library_items WHERE id = $1', [id]);
    expect(rows[0]).toMatchObject({ summary: 'How we train transformers with PyTorch on Kubernetes.', summary_source: 'offline', summary_notice: UNREADABLE_SUMMARY_NOTICE });
    expect(rows[0].auto_tags).toEqual(expect.arrayContaining(['PyTorch', 'Kubernetes']));
  });
});

describe('the owner’s own marks', () => {
  it('marks read and unread, as a plain post and through htmx', async () => {
    const user = await signIn(app, db);
    const id = await saveArticle(user, offlineLlm);
    const plain = await post(user, `/library/${id}/read`, { read: '1' });
    expect(plain.headers.location).toBe(`/library/${id}`);
    expect((await get(user, `/library/${id}`)).body).toContain('Mark unread');
    const fragment = await post(user, `/library/${id}/read`, { read: '0', from: 'list' }, { 'hx-request': 'true' });
    expect(fragment.body.trim()).toMatch(new RegExp(`^<li class="card" id="item-${id}">`));
    expect(fragment.body).toContain('Mark read');
    expect((await db.pool.query('SELECT read_at FROM library_items WHERE id = $1', [id])).rows[0].read_at).toBeNull();
  });

  it('tags: keeps the input and says what is wrong beside the field; saved tags show on the list', async () => {
    const user = await signIn(app, db);
    const id = await saveArticle(user, offlineLlm);
    const bad = await post(user, `/library/${id}/tags`, { tags: 'ok, <script>' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/id="f-tags-error">Tags may use letters/);
    expect(bad.body).toContain('value="ok, &lt;script&gt;"');
    expect((await post(user, `/library/${id}/tags`, { tags: 'Interview prep, scaling, interview prep' })).statusCode).toBe(303);
    expect((await get(user, '/library')).body).toMatch(/<span class="badge">interview prep<\/span>\s*<span class="badge">scaling<\/span>/);
  });

  it('links to problems from the bank, refuses a slug that is not one, and unlinks', async () => {
    const user = await signIn(app, db);
    const id = await saveArticle(user, offlineLlm);
    const problem = loadBank().problems[0]!;
    const bad = await post(user, `/library/${id}/problems`, { slug: 'no-such-problem' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('id="f-slug-error">Choose a problem from the list.<');
    expect((await post(user, `/library/${id}/problems`, { slug: problem.slug })).statusCode).toBe(303);
    expect((await get(user, `/library/${id}`)).body).toContain(`<a href="/problems/${problem.slug}">`);
    await post(user, `/library/${id}/problems/remove`, { slug: problem.slug });
    expect((await get(user, `/library/${id}`)).body).toContain('Not linked to any problem yet.');
  });

  it('another user gets 404 on the item and every action, and changes nothing', async () => {
    const owner = await signIn(app, db);
    const id = await saveArticle(owner, offlineLlm);
    const other = await signIn(app, db);
    const slug = loadBank().problems[0]!.slug;
    expect((await get(other, `/library/${id}`)).statusCode).toBe(404);
    expect((await post(other, `/library/${id}/read`, { read: '1' })).statusCode).toBe(404);
    expect((await post(other, `/library/${id}/tags`, { tags: 'mine' })).statusCode).toBe(404);
    expect((await post(other, `/library/${id}/problems`, { slug })).statusCode).toBe(404);
    expect((await post(other, `/library/${id}/problems/remove`, { slug })).statusCode).toBe(404);
    const { rows } = await db.pool.query('SELECT read_at, user_tags FROM library_items WHERE id = $1', [id]);
    expect(rows[0]).toEqual({ read_at: null, user_tags: [] });
    expect(Number((await db.pool.query('SELECT count(*) FROM library_item_problems WHERE item_id = $1', [id])).rows[0].count)).toBe(0);
  });
});
