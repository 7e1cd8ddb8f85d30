/**
 * Linking a library item to the owner's own job descriptions: the item page's select, link and unlink as plain posts
 * and through htmx, the links on the item page and the JD page's reading list. A second user's item or JD id answers
 * 404 and nothing changes. Items are added without being fetched (no worker runs here); links do not need the page.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlm } from '../../../src/llm/index.js';
import { buildTestApp, testConfig } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { poster, runQueued } from '../career/helpers.js';

const db = useTestDatabase();
let app: FastifyInstance;
let post: ReturnType<typeof poster>;

beforeAll(async () => {
  app = await buildTestApp(db);
  post = poster(app);
});
afterAll(async () => {
  await app?.close();
});

const get = (user: SignedIn, url: string) => app.inject({ url, headers: user.headers });
const HTMX = { 'hx-request': 'true' };

async function addItem(user: SignedIn, path: string): Promise<string> {
  const res = await post(user, '/library/add', { url: `https://papers.example.org/${path}` });
  return /#item-(\d+)$/.exec(String(res.headers.location))![1]!;
}
async function addJob(user: SignedIn, text: string): Promise<string> {
  const res = await post(user, '/jobs', { text });
  return /^\/jobs\/(\d+)$/.exec(String(res.headers.location))![1]!;
}
const linkCount = async (itemId: string) =>
  Number((await db.pool.query('SELECT count(*) FROM library_item_jobs WHERE item_id = $1', [itemId])).rows[0].count);

describe('linking a library item to a job description', () => {
  it('offers the user’s JDs, links as a plain post, shows the link on both pages, and unlinks', async () => {
    const user = await signIn(app, db);
    const item = await addItem(user, 'attention');
    const empty = (await get(user, `/library/${item}`)).body;
    expect(empty).toContain('You have no job descriptions yet');
    const job = await addJob(user, 'Senior ML engineer. We need PyTorch, Kubernetes and experience training transformers.');
    expect((await get(user, `/jobs/${job}`)).body).toContain('No pages from <a href="/library">your library</a> are linked to it yet');

    const page = (await get(user, `/library/${item}`)).body;
    expect(page).toContain('Not linked to any job description yet.');
    expect(page).toContain(`<option value="${job}">Job description ${job}</option>`);

    const linked = await post(user, `/library/${item}/jobs`, { job });
    expect(linked.statusCode).toBe(303);
    expect(linked.headers.location).toBe(`/library/${item}`);
    expect((await get(user, `/library/${item}`)).body).toContain(`<a href="/jobs/${job}">Job description ${job}</a>`);
    expect((await post(user, `/library/${item}/jobs`, { job })).statusCode).toBe(303); // a repeat is a no-op
    expect(await linkCount(item)).toBe(1);
    const jd = (await get(user, `/jobs/${job}`)).body;
    expect(jd).toContain(`<a href="/library/${item}">https://papers.example.org/attention</a>`);

    expect((await post(user, `/library/${item}/jobs/remove`, { job })).statusCode).toBe(303);
    expect((await get(user, `/library/${item}`)).body).toContain('Not linked to any job description yet.');
    expect((await get(user, `/jobs/${job}`)).body).not.toContain(`/library/${item}"`);
    expect(await linkCount(item)).toBe(0);
  });

  it('names an analysed JD by its role, as its page does', async () => {
    const user = await signIn(app, db);
    const item = await addItem(user, 'scaling');
    const job = await addJob(user, 'Role: Machine Learning Engineer\nCompany: Quillon\nMust have: Python, PyTorch and SQL.');
    const offline = { db: db.pool, llm: createLlm({ config: testConfig(db), pool: db.pool, logger: pino({ level: 'silent' }) }) };
    await runQueued(db, offline);
    const { rows } = await db.pool.query(`SELECT parsed->>'role' AS role, parsed->>'company' AS company FROM job_descriptions WHERE id = $1`, [job]);
    const label = rows[0].company ? `${rows[0].role} at ${rows[0].company}` : rows[0].role;
    expect(label).toBeTruthy();
    await post(user, `/library/${item}/jobs`, { job });
    expect((await get(user, `/library/${item}`)).body).toContain(`<a href="/jobs/${job}">${label}</a>`);
  });

  it('through htmx, answers with the section alone; a missing choice comes back with the message beside the select', async () => {
    const user = await signIn(app, db);
    const item = await addItem(user, 'htmx');
    const job = await addJob(user, 'Applied scientist: recommender systems, ranking, Python and large-scale experimentation.');
    const refused = await post(user, `/library/${item}/jobs`, { job: '' }, HTMX);
    expect(refused.statusCode).toBe(422);
    expect(refused.body.trim()).toMatch(/^<section class="card" id="item-jobs"/);
    expect(refused.body).toContain('id="f-job-error">Choose a job description.<');
    const plainRefused = await post(user, `/library/${item}/jobs`, { job: '' });
    expect(plainRefused.statusCode).toBe(422);
    expect(plainRefused.body).toContain('<h2>Your tags</h2>');
    expect(plainRefused.body).toContain('id="f-job-error">Choose a job description.<');

    const linked = await post(user, `/library/${item}/jobs`, { job }, HTMX);
    expect(linked.statusCode).toBe(200);
    expect(linked.body.trim()).toMatch(/^<section class="card" id="item-jobs"/);
    expect(linked.body).toContain(`<a href="/jobs/${job}">`);
    expect(linked.body).toContain(`hx-post="/library/${item}/jobs/remove"`);
    const unlinked = await post(user, `/library/${item}/jobs/remove`, { job }, HTMX);
    expect(unlinked.body).toContain('Not linked to any job description yet.');
    expect(await linkCount(item)).toBe(0);
  });

  it('refuses a post without the CSRF token', async () => {
    const user = await signIn(app, db);
    const item = await addItem(user, 'csrf');
    const job = await addJob(user, 'Data engineer: Spark, Airflow, SQL, Python, and building reliable batch pipelines.');
    const res = await app.inject({
      method: 'POST',
      url: `/library/${item}/jobs`,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ job }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(await linkCount(item)).toBe(0);
  });
});

describe('a second user', () => {
  it('gets 404 linking to or unlinking from another user’s JD or item, and changes nothing', async () => {
    const owner = await signIn(app, db);
    const other = await signIn(app, db);
    const ownerItem = await addItem(owner, 'owner');
    const ownerJob = await addJob(owner, 'ML platform engineer: Kubernetes, Python, feature stores and model serving.');
    const otherItem = await addItem(other, 'other');
    const otherJob = await addJob(other, 'Research engineer: JAX, TPUs, distributed training and evaluation of LLMs.');
    await post(owner, `/library/${ownerItem}/jobs`, { job: ownerJob });

    // Their own item, the owner's JD; the owner's item, their own JD; the owner's item and JD.
    for (const [item, job] of [[otherItem, ownerJob], [ownerItem, otherJob], [ownerItem, ownerJob]] as const) {
      expect((await post(other, `/library/${item}/jobs`, { job })).statusCode).toBe(404);
      expect((await post(other, `/library/${item}/jobs/remove`, { job }, HTMX)).statusCode).toBe(404);
    }
    expect(await linkCount(otherItem)).toBe(0);
    expect(await linkCount(ownerItem)).toBe(1);
    // The other user's select offers only their own JDs; the owner's JD page still lists the item.
    const otherPage = (await get(other, `/library/${otherItem}`)).body;
    expect(otherPage).toContain(`<option value="${otherJob}">`);
    expect(otherPage).not.toContain(`<option value="${ownerJob}">`);
    expect((await get(owner, `/jobs/${ownerJob}`)).body).toContain(`<a href="/library/${ownerItem}">`);
    expect((await get(other, `/jobs/${ownerJob}`)).statusCode).toBe(404);
  });
});
