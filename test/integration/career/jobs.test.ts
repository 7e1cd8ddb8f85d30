/**
 * /jobs over HTTP with the worker's real handler: four JDs parsed by a model (the real Anthropic SDK against the
 * loopback fake, scripted JSON) and offline (no model configured); malformed model JSON falls back to the offline
 * parse with a note; a JD given by URL is fetched through the reading library's checked fetcher from a loopback
 * server (a resolver the test controls; loopback allowed only by the fetcher's test-only setting), and a private
 * address is refused without a packet sent; forms keep their input; corrections are saved; a second user gets 404.
 */
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisDeps } from '../../../src/career/analysis.js';
import { DEFAULT_POLICY, type FetchPolicy } from '../../../src/library/fetch.js';
import { createLlm } from '../../../src/llm/index.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { listenOnLoopback, type Listening } from '../../fakes/loopback.js';
import { testConfig } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { bank, practiceApp } from '../practice/helpers.js';
import { JDS } from './fixtures/index.js';
import { poster, runQueued } from './helpers.js';

const db = useTestDatabase();
let fake: FakeAnthropic;
let app: FastifyInstance;
let site: Listening;
let hits = 0;
let modelDeps: AnalysisDeps;
let offlineDeps: AnalysisDeps;
let post: ReturnType<typeof poster>;

const JOB_PAGE = `<html><head><title>Careers</title><script>track()</script></head><body>
<h1>Applied Scientist, Search</h1><p>Company: Ferrow &amp; Co</p><p>Location: Lisbon</p>
<h2>Requirements</h2><ul><li>3+ years with Python and PyTorch</li><li>Retrieval and ranking systems</li></ul>
<h2>Nice to have</h2><ul><li>Kafka</li></ul></body></html>`;

async function resolve(hostname: string): Promise<LookupAddress[]> {
  if (hostname === 'jobs.test.example') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'private.test.example') return [{ address: '10.0.0.1', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
}
// Every address is dialled as 127.0.0.1: even a broken check could not send a packet off this machine.
const policy: FetchPolicy = { ...DEFAULT_POLICY, resolve, allowLoopbackForTests: true, dial: () => '127.0.0.1' };

/** What the model answers for each fixture: its own reading, with details the offline parser would not produce. */
const MODEL = {
  mlPlatform: {
    company: 'Northwind Analytics GmbH', role: 'Senior Machine Learning Engineer, ML Platform', level: 'Senior', location: 'Berlin, hybrid',
    mustHave: [{ name: 'Python', text: 'Strong Python and PyTorch' }, { name: 'PyTorch', text: 'Strong Python and PyTorch' }, { name: 'Kubernetes', text: 'Experience running workloads on Kubernetes and Docker' }, { name: 'Airflow', text: 'Built data pipelines with Airflow or dbt' }],
    niceToHave: [{ name: 'Rust', text: 'Go or Rust for performance-critical services' }, { name: 'Terraform', text: 'Terraform' }],
    yearsAskedFor: 5, interviewTopics: ['take-home exercise', 'system design of a training platform'], redFlags: [],
  },
  researchScientist: {
    company: 'Quillon Labs', role: 'Research Scientist, Language Models', level: null, location: 'London or remote (UK)',
    mustHave: [{ name: 'Transformers', text: 'Deep knowledge of transformers and self-attention' }, { name: 'JAX', text: 'Fluency in Python and JAX or PyTorch' }, { name: 'Experiment design', text: 'Rigorous experiment design' }],
    niceToHave: [{ name: 'RLHF', text: 'Reinforcement learning from human feedback (RLHF)' }, { name: 'CUDA', text: 'CUDA kernels' }],
    yearsAskedFor: null, interviewTopics: ['research talk', 'paper discussion', 'ML coding'], redFlags: [],
  },
  dataEngineer: {
    company: 'Lumen Retail', role: 'Data Engineer', level: 'Junior', location: 'Manchester, on-site',
    mustHave: [{ name: 'Spark', text: 'Spark and Kafka for stream processing' }, { name: 'SQL', text: 'SQL and Python' }],
    niceToHave: [{ name: 'AWS', text: 'AWS or GCP' }],
    yearsAskedFor: 6, interviewTopics: [], redFlags: ['Six years asked for a junior role', 'Evenings and weekends expected in peak season'],
  },
  recsys: {
    company: 'Helio Streaming', role: 'Staff ML Engineer - Recommendations', level: 'Staff', location: 'Remote (Europe)',
    mustHave: [{ name: 'Recommender systems', text: 'Recommender systems and ranking at scale' }, { name: 'A/B testing', text: 'A/B testing and model evaluation' }],
    niceToHave: [{ name: 'Vector search', text: 'Vector search / retrieval for candidate generation' }],
    yearsAskedFor: 8, interviewTopics: ['ML design', 'live coding', 'behavioral'], redFlags: [],
  },
};

beforeAll(async () => {
  fake = await startFakeAnthropic();
  site = await listenOnLoopback(createServer((_req, res) => { hits += 1; res.writeHead(200, { 'content-type': 'text/html' }).end(JOB_PAGE); }));
  app = await practiceApp(db, { env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, LLM_MAX_RETRIES: '0', LLM_TIMEOUT_MS: '5000' } });
  post = poster(app);
  modelDeps = { db: db.pool, llm: app.llm, policy };
  // No ANTHROPIC_API_KEY: the LLM layer answers with the feature's offline function, as `npm start` does by default.
  offlineDeps = { db: db.pool, llm: createLlm({ config: testConfig(db), pool: db.pool, logger: pino({ level: 'silent' }) }), policy };
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
  await site?.close();
});
beforeEach(() => fake.reset());

const jobIdOf = (location: string | undefined) => /^\/jobs\/(\d+)$/.exec(location ?? '')![1]!;
async function addJob(user: SignedIn, fields: Record<string, string>): Promise<string> {
  const res = await post(user, '/jobs', fields);
  expect(res.statusCode).toBe(303);
  return jobIdOf(res.headers.location as string);
}
const page = async (user: SignedIn, url: string) => (await app.inject({ url, headers: user.headers })).body;

describe('parsing with the model', () => {
  it.each(Object.keys(MODEL) as (keyof typeof MODEL)[])('%s: validated, mapped to the taxonomy, shown with its problems', async (key) => {
    const user = await signIn(app, db);
    const id = await addJob(user, { text: JDS[key] });
    const waiting = await page(user, `/jobs/${id}`);
    expect(waiting).toContain(`hx-get="/jobs/${id}/result"`);
    expect(waiting).toContain('<progress');
    // No worker has reported in this test: the page says why nothing moves.
    expect(waiting).toContain('No worker is running');
    fake.script(anthropic.message({ text: `Here is the JSON:\n\`\`\`json\n${JSON.stringify(MODEL[key])}\n\`\`\`` }));
    expect(await runQueued(db, modelDeps)).toBe('llm');
    expect(fake.requests.at(-1)!.body.messages[0].content).toContain(JDS[key].slice(0, 60));

    const { rows } = await db.pool.query('SELECT parsed, source, status FROM job_descriptions WHERE id = $1', [id]);
    expect(rows[0]).toMatchObject({ source: 'llm', status: 'ready' });
    expect(rows[0].parsed.company).toBe(MODEL[key].company);
    expect(rows[0].parsed.mustHave.map((r: { name: string }) => r.name)).toEqual(MODEL[key].mustHave.map((r) => r.name));
    // Names the model gave are mapped to taxonomy skills, so they reach the bank.
    expect(rows[0].parsed.mustHave.every((r: { skillId: string | null }) => r.skillId !== null)).toBe(true);

    const fragment = await app.inject({ url: `/jobs/${id}/result`, headers: { ...user.headers, 'hx-request': 'true' } });
    expect(fragment.body).not.toContain('hx-trigger');
    expect(fragment.body).toContain('Read by the model.');
    const slugs = [...fragment.body.matchAll(/href="\/problems\/([a-z0-9-]+)"/g)].map((m) => m[1]!);
    expect(slugs.length).toBeGreaterThan(0);
    for (const slug of slugs) expect(bank.bySlug.has(slug)).toBe(true);
  });

  it('falls back to the offline parse, with a note, when the model answers malformed JSON', async () => {
    const user = await signIn(app, db);
    const id = await addJob(user, { text: JDS.mlPlatform });
    fake.script(anthropic.message({ text: '{"company": "Northwind", "mustHave": [ {"name": ' }));
    expect(await runQueued(db, modelDeps)).toBe('offline');
    const html = await page(user, `/jobs/${id}`);
    expect(html).toContain('The model’s answer could not be read, so this is keyword matching.');
    expect(html).toContain('Northwind Analytics');
    expect(html).toMatch(/data-kind="must">[\s\S]*Kubernetes/);
  });

  it('falls back when the JSON parses but is not the shape asked for', async () => {
    const user = await signIn(app, db);
    const id = await addJob(user, { text: JDS.recsys });
    fake.script(anthropic.message({ text: JSON.stringify({ ...MODEL.recsys, yearsAskedFor: 'eight', mustHave: 'lots' }) }));
    expect(await runQueued(db, modelDeps)).toBe('offline');
    expect(await page(user, `/jobs/${id}`)).toContain('could not be read');
  });
});

describe('parsing offline', () => {
  it.each(Object.keys(JDS) as (keyof typeof JDS)[])('%s: the taxonomy and the section cues, labelled as offline', async (key) => {
    const user = await signIn(app, db);
    const id = await addJob(user, { text: JDS[key] });
    const before = fake.requests.length;
    expect(await runQueued(db, offlineDeps)).toBe('offline');
    expect(fake.requests.length).toBe(before);
    const html = await page(user, `/jobs/${id}`);
    expect(html).toContain('AI is not configured; showing keyword matching');
    expect(html).toContain('Read offline: the skills taxonomy and the section headings.');
    expect(html).toMatch(/data-kind="must">[\s\S]*<strong>Python<\/strong>/);
  });
});

describe('a JD given by its address', () => {
  it('is fetched through the library fetcher and parsed from the page text', async () => {
    const user = await signIn(app, db);
    hits = 0;
    const id = await addJob(user, { url: `http://jobs.test.example:${site.port}/jobs/42` });
    expect(await page(user, `/jobs/${id}`)).toContain('Fetching the page and reading it');
    expect(await runQueued(db, offlineDeps)).toBe('offline');
    expect(hits).toBe(1);
    const html = await page(user, `/jobs/${id}`);
    expect(html).toContain('Ferrow &amp; Co');
    expect(html).toMatch(/data-kind="must">[\s\S]*PyTorch[\s\S]*data-kind="nice">[\s\S]*Stream processing/);
    expect(html).not.toContain('track()');
  });

  it('keeps the JD with the refusal when the name resolves to a private address, and sends nothing', async () => {
    const user = await signIn(app, db);
    hits = 0;
    const id = await addJob(user, { url: `http://private.test.example:${site.port}/job` });
    expect(await runQueued(db, offlineDeps)).toBe('failed');
    expect(hits).toBe(0);
    expect(await page(user, `/jobs/${id}`)).toMatch(/could not be fetched \(refused\)/);
  });

  it('refuses a private address as typed, beside the field, keeping the pasted text', async () => {
    const user = await signIn(app, db);
    const res = await post(user, '/jobs', { text: '', url: 'http://127.0.0.1:9/job' });
    expect(res.statusCode).toBe(422);
    expect(/id="f-url-error">([^<]*)</.exec(res.body)?.[1]).toMatch(/loopback/);
    expect(res.body).toContain('value="http://127.0.0.1:9/job"');
  });
});

describe('forms keep the input', () => {
  it('asks for a JD when both fields are empty, and for more when the text is too short', async () => {
    const user = await signIn(app, db);
    const empty = await post(user, '/jobs', { text: '', url: '' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toMatch(/id="f-text-error">Paste the job description/);
    const short = await post(user, '/jobs', { text: 'ML engineer, Python' });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('>ML engineer, Python</textarea>');
    expect((await db.pool.query('SELECT count(*) FROM job_descriptions WHERE user_id = $1', [user.user.id])).rows[0].count).toBe('0');
  });

  it('saves corrections, mapping new lines to the taxonomy, and shows a bad field beside itself', async () => {
    const user = await signIn(app, db);
    const id = await addJob(user, { text: JDS.dataEngineer });
    await runQueued(db, offlineDeps);
    const edit = await page(user, `/jobs/${id}/edit`);
    expect(edit).toContain('Lumen Retail');
    const fields = { company: 'Lumen Retail Ltd', role: 'Data Engineer', level: 'Junior', location: 'Manchester', yearsAskedFor: 'six', mustHave: 'Spark\nKafka\nk8s', niceToHave: 'AWS', interviewTopics: '', redFlags: 'evenings' };
    const bad = await post(user, `/jobs/${id}/edit`, fields);
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toMatch(/id="f-yearsAskedFor-error">Years: a whole number/);
    expect(bad.body).toContain('value="Lumen Retail Ltd"');
    expect(bad.body).toContain('Spark\nKafka\nk8s</textarea>');
    expect((await post(user, `/jobs/${id}/edit`, { ...fields, yearsAskedFor: '2' })).statusCode).toBe(303);
    const { rows } = await db.pool.query('SELECT parsed, source FROM job_descriptions WHERE id = $1', [id]);
    expect(rows[0].source).toBe('edited');
    expect(rows[0].parsed).toMatchObject({ company: 'Lumen Retail Ltd', yearsAskedFor: 2 });
    expect(rows[0].parsed.mustHave.map((r: { skillId: string }) => r.skillId)).toEqual(['spark', 'streaming', 'kubernetes']);
    expect(await page(user, `/jobs/${id}`)).toContain('Corrected by you.');
  });
});

describe('privacy', () => {
  it('shows a JD to its owner only: every route is a 404 for someone else', async () => {
    const owner = await signIn(app, db);
    const id = await addJob(owner, { text: JDS.researchScientist });
    await runQueued(db, offlineDeps);
    const other = await signIn(app, db);
    for (const url of [`/jobs/${id}`, `/jobs/${id}/edit`, `/jobs/${id}/fit`]) {
      expect((await app.inject({ url, headers: other.headers })).statusCode).toBe(404);
    }
    expect((await app.inject({ url: `/jobs/${id}/result`, headers: { ...other.headers, 'hx-request': 'true' } })).statusCode).toBe(404);
    for (const url of [`/jobs/${id}/edit`, `/jobs/${id}/plan`, `/jobs/${id}/fit/reading`]) {
      expect((await post(other, url, { company: 'x' })).statusCode).toBe(404);
    }
    expect(await page(other, '/jobs')).not.toContain('Quillon');
    expect((await db.pool.query('SELECT parsed->>$2 AS company FROM job_descriptions WHERE id = $1', [id, 'company'])).rows[0].company).toBe('Quillon Labs');
  });
});
