/**
 * /reflections over HTTP, and the worker's reflection-answer handler run as the worker would run it: offline (no
 * key), and through the real Anthropic SDK against the loopback fake, including a model answer that is not the JSON
 * asked for. Entries are their author's only: every page of another user's entry is a 404.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlm, type Llm } from '../../../src/llm/index.js';
import { UNREADABLE_NOTICE } from '../../../src/reflections/service.js';
import { createReflectionAnswerHandler } from '../../../worker/handlers/reflection-answer.js';
import type { RunContext } from '../../../worker/handlers/types.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { buildTestApp, testConfig } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
let fake: FakeAnthropic;
let offlineLlm: Llm;
let modelLlm: Llm;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  fake = await startFakeAnthropic();
  app = await buildTestApp(db);
  offlineLlm = createLlm({ config: testConfig(db), pool: db.pool, logger: silent });
  const env = { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, LLM_MAX_RETRIES: '0' };
  modelLlm = createLlm({ config: testConfig(db, env), pool: db.pool, logger: silent });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const post = (user: SignedIn, url: string, fields: Record<string, string>) =>
  app.inject({ method: 'POST', url, headers: { ...user.headers, ...FORM }, payload: new URLSearchParams({ _csrf: user.csrf, ...fields }).toString() });
const get = (user: SignedIn, url: string, headers: Record<string, string> = {}) => app.inject({ url, headers: { ...user.headers, ...headers } });

async function write(user: SignedIn, body: string, promptKey = 'important-problems'): Promise<string> {
  const res = await post(user, '/reflections', { promptKey, body });
  expect(res.statusCode).toBe(303);
  return /^\/reflections\/(\d+)$/.exec(String(res.headers.location))![1]!;
}

/** Runs the newest queued answer through the worker's real handler, as the worker would after claiming it. */
async function runQueuedAnswer(llm: Llm): Promise<unknown> {
  const { rows } = await db.pool.query(`SELECT id::text, payload FROM runs WHERE kind = 'reflection-answer' AND status = 'queued' ORDER BY id DESC LIMIT 1`);
  await db.pool.query('DELETE FROM runs WHERE id = $1', [rows[0].id]);
  const ctx = { runId: rows[0].id, attempt: 1, ownerId: null, signal: new AbortController().signal, log: silent } as Partial<RunContext>;
  return createReflectionAnswerHandler({ db: db.pool, llm }).handle(rows[0].payload, ctx as RunContext);
}

describe('writing an entry', () => {
  it('keeps the text and says what is wrong beside the field', async () => {
    const user = await signIn(app, db);
    const res = await post(user, '/reflections', { promptKey: 'open-doors', body: '   ' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="f-body-error">Write your reflection\.</);
    expect(res.body).toMatch(/<option value="open-doors" selected>/);
    const bad = await post(user, '/reflections', { promptKey: 'no-such-prompt', body: 'My <b>text</b> stays.' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/id="f-prompt-error">Choose a prompt\.</);
    expect(bad.body).toContain('My &lt;b&gt;text&lt;/b&gt; stays.</textarea>');
    expect(Number((await db.pool.query('SELECT count(*) FROM reflections')).rows[0].count)).toBe(0);
  });

  it('shows a progress slot that polls, then the offline answer in place, with its notice', async () => {
    const user = await signIn(app, db);
    const id = await write(user, 'Too many meetings; no time for the evaluation problem I think is important.\n<script>alert(1)</script>');
    const pending = await get(user, `/reflections/${id}`);
    expect(pending.body).toContain(`hx-get="/reflections/${id}/answer" hx-trigger="every 2s"`);
    expect(pending.body).toContain('thinking');
    expect(pending.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(await runQueuedAnswer(offlineLlm)).toEqual({ outcome: 'answered' });
    const slot = await get(user, `/reflections/${id}/answer`, { 'hx-request': 'true' });
    expect(slot.body).not.toContain('hx-trigger');
    expect(slot.body).toContain('AI is not configured; showing offline prompts for reflection');
    expect(slot.body).toContain('Chosen offline from what your entry mentions.');
    expect(slot.body).toMatch(/reflection-follow-up"><strong>[^<]+\?<\/strong>/);
    const list = await get(user, '/reflections');
    expect(list.body).toContain(`/reflections/${id}`);
    expect(list.body).toContain('answered');
  });
});

describe('the model answers', () => {
  it('sends the prompt and the entry, and stores the checked answer', async () => {
    const user = await signIn(app, db);
    const id = await write(user, 'I keep saying yes to small tasks.', 'what-matters');
    fake.script(anthropic.message({ text: '{"followUp":"Which small task would you drop first?","observation":"You describe the tasks but not what they displace."}' }));
    expect(await runQueuedAnswer(modelLlm)).toEqual({ outcome: 'answered' });
    const sent = fake.requests.at(-1)!.body as { system: string; messages: { content: string }[] };
    expect(sent.system).toContain('You and Your Research');
    expect(sent.messages[0]!.content).toContain('I keep saying yes to small tasks.');
    expect(sent.messages[0]!.content).toContain('Is what you worked on lately heading toward something that matters?');
    const page = await get(user, `/reflections/${id}`);
    expect(page.body).toContain('Which small task would you drop first?');
    expect(page.body).toContain('You describe the tasks but not what they displace.');
    expect(page.body).toContain('Written by the model from your entry.');
    expect(page.body).not.toContain('llm-notice');
  });

  it('falls back to the offline answer, with a note, when the model’s JSON cannot be read', async () => {
    const user = await signIn(app, db);
    const id = await write(user, 'My paper was rejected again.');
    fake.script(anthropic.message({ text: '{"followUp": "Why do you think' }));
    expect(await runQueuedAnswer(modelLlm)).toEqual({ outcome: 'answered' });
    const { rows } = await db.pool.query('SELECT answer_source, answer_notice, follow_up FROM reflections WHERE id = $1', [id]);
    expect(rows[0]).toMatchObject({ answer_source: 'offline', answer_notice: UNREADABLE_NOTICE });
    expect(rows[0].follow_up).toMatch(/setback|wrong|attempt/);
    expect((await get(user, `/reflections/${id}`)).body).toContain('could not be read, so these are offline prompts');
  });
});

describe('editing and deleting', () => {
  it('an edit asks again, and an answer to the old text is dropped', async () => {
    const user = await signIn(app, db);
    const id = await write(user, 'First version.');
    const form = await get(user, `/reflections/${id}/edit`);
    expect(form.body).toContain('First version.</textarea>');
    const empty = await post(user, `/reflections/${id}/edit`, { promptKey: 'free', body: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toMatch(/id="f-body-error">/);
    expect((await post(user, `/reflections/${id}/edit`, { promptKey: 'free', body: 'Second version, about my team.' })).statusCode).toBe(303);
    // Two runs are queued: the newest (revision 2) answers; the first (revision 1) finds its text gone.
    expect(await runQueuedAnswer(offlineLlm)).toEqual({ outcome: 'answered' });
    expect(await runQueuedAnswer(offlineLlm)).toEqual({ outcome: 'stale' });
    const page = await get(user, `/reflections/${id}`);
    expect(page.body).toContain('Second version, about my team.');
    expect(page.body).toContain('the people around your work');
    expect(page.body).toContain('edited');
  });

  it('deletes after a confirmation page, only with the CSRF token', async () => {
    const user = await signIn(app, db);
    const id = await write(user, 'Delete me.');
    const confirm = await get(user, `/reflections/${id}/delete`);
    expect(confirm.body).toContain('Delete this reflection?');
    expect(confirm.body).toContain(`action="/reflections/${id}/delete"`);
    const forged = await app.inject({ method: 'POST', url: `/reflections/${id}/delete`, headers: { cookie: user.cookie, ...FORM }, payload: '' });
    expect(forged.statusCode).toBe(403);
    expect((await post(user, `/reflections/${id}/delete`, {})).headers.location).toBe('/reflections');
    expect((await get(user, `/reflections/${id}`)).statusCode).toBe(404);
    expect(await runQueuedAnswer(offlineLlm)).toEqual({ outcome: 'missing' });
  });
});

describe('privacy', () => {
  it('another user gets 404 on every page of the entry and does not see it listed', async () => {
    const author = await signIn(app, db);
    const id = await write(author, 'Private thoughts about my manager.');
    const other = await signIn(app, db);
    for (const path of ['', '/answer', '/edit', '/delete']) expect((await get(other, `/reflections/${id}${path}`)).statusCode).toBe(404);
    expect((await post(other, `/reflections/${id}/edit`, { promptKey: 'free', body: 'Mine now.' })).statusCode).toBe(404);
    expect((await post(other, `/reflections/${id}/delete`, {})).statusCode).toBe(404);
    expect((await get(other, '/reflections')).body).not.toContain('Private thoughts');
    expect((await get(author, `/reflections/${id}`)).body).toContain('Private thoughts about my manager.');
  });

  it('signed-out visitors are sent to sign in', async () => {
    const res = await app.inject({ url: '/reflections' });
    expect([302, 303]).toContain(res.statusCode);
  });
});
