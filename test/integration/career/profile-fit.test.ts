/**
 * /profile, the fit, its reading and the plan, over HTTP with the worker's real handler: three CVs analysed by a
 * model (scripted JSON through the real Anthropic SDK; a skill without a sentence from the CV is dropped) and
 * offline; malformed JSON falls back with a note; the breakdown on the page adds up to the score shown; the model's
 * reading loses an invented claim; the plan links to bank problems and appears in /progress's "next up"; several
 * JDs are compared; nobody else sees any of it.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisDeps } from '../../../src/career/analysis.js';
import { createLlm } from '../../../src/llm/index.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { testConfig } from '../../helpers/app.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { bank, practiceApp } from '../practice/helpers.js';
import { CVS, JDS } from './fixtures/index.js';
import { breakdownOf, poster, runQueued } from './helpers.js';

const db = useTestDatabase();
let fake: FakeAnthropic;
let app: FastifyInstance;
let modelDeps: AnalysisDeps;
let offlineDeps: AnalysisDeps;
let post: ReturnType<typeof poster>;

const MODEL_CVS = {
  platformEngineer: {
    skills: [
      { name: 'Kubernetes', evidence: 'Led the migration of our training jobs to Kubernetes, cutting queue times by 40%.' },
      { name: 'Airflow', evidence: 'Built feature pipelines in Airflow feeding a PostgreSQL feature store.' },
      { name: 'Python', evidence: 'Wrote the model serving layer in Python behind a Docker-based deployment.' },
      { name: 'Terraform', evidence: 'Managed all infrastructure with Terraform.' }, // not in the CV: must be dropped
    ],
    seniority: [{ signal: 'mentoring', evidence: 'Mentored three junior engineers.' }],
    years: 10,
  },
  researcher: {
    skills: [
      { name: 'Transformers', evidence: 'Research on efficient transformers.' },
      { name: 'JAX', evidence: 'I implement models in JAX and PyTorch and train them with FSDP on TPU pods.' },
    ],
    seniority: [],
    years: 4,
  },
  careerChanger: {
    skills: [{ name: 'SQL', evidence: 'dashboards in Excel and SQL queries against the warehouse' }],
    seniority: [],
    years: 2,
  },
};

beforeAll(async () => {
  fake = await startFakeAnthropic();
  app = await practiceApp(db, { env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, LLM_MAX_RETRIES: '0', LLM_TIMEOUT_MS: '5000' } });
  post = poster(app);
  modelDeps = { db: db.pool, llm: app.llm };
  offlineDeps = { db: db.pool, llm: createLlm({ config: testConfig(db), pool: db.pool, logger: pino({ level: 'silent' }) }) };
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const page = async (user: SignedIn, url: string) => (await app.inject({ url, headers: user.headers })).body;

async function withProfile(cv: string, deps = offlineDeps): Promise<SignedIn> {
  const user = await signIn(app, db);
  expect((await post(user, '/profile', { text: cv })).statusCode).toBe(303);
  await runQueued(db, deps);
  return user;
}
async function addJob(user: SignedIn, text: string): Promise<string> {
  const res = await post(user, '/jobs', { text });
  const id = /^\/jobs\/(\d+)$/.exec(res.headers.location as string)![1]!;
  await runQueued(db, offlineDeps);
  return id;
}

describe('analysing a CV', () => {
  it.each(Object.keys(MODEL_CVS) as (keyof typeof MODEL_CVS)[])('%s with the model: each skill kept only with a CV sentence', async (key) => {
    const user = await signIn(app, db);
    await post(user, '/profile', { text: CVS[key] });
    const waiting = await page(user, '/profile');
    expect(waiting).toContain('hx-get="/profile/result"');
    fake.script(anthropic.message({ text: JSON.stringify(MODEL_CVS[key]) }));
    expect(await runQueued(db, modelDeps)).toBe('llm');
    const { rows } = await db.pool.query('SELECT analysis, source FROM career_profiles WHERE user_id = $1', [user.user.id]);
    const kept = MODEL_CVS[key].skills.filter((s) => s.name !== 'Terraform');
    expect(rows[0].source).toBe('llm');
    expect(rows[0].analysis.skills.map((s: { name: string }) => s.name)).toEqual(kept.map((s) => s.name));
    expect(rows[0].analysis.years).toBe(MODEL_CVS[key].years);
    const html = await page(user, '/profile');
    for (const s of kept) expect(html).toContain(`“${s.evidence.replace(/'/g, '&#39;')}”`);
    if (key === 'platformEngineer') {
      expect(html).toContain('1 skill the model named without a sentence from your CV was left out.');
      expect(html).not.toContain('Managed all infrastructure with Terraform');
    }
  });

  it.each(Object.keys(CVS) as (keyof typeof CVS)[])('%s offline: the taxonomy, with the evidence sentence', async (key) => {
    const user = await withProfile(CVS[key]);
    const html = await page(user, '/profile');
    expect(html).toContain('AI is not configured; showing the offline analysis');
    const expected = { platformEngineer: 'Kubernetes', researcher: 'JAX', careerChanger: 'scikit-learn' }[key];
    expect(html).toContain(`<th scope="row">${expected}</th>`);
  });

  it('falls back to the offline analysis with a note when the JSON is malformed', async () => {
    const user = await signIn(app, db);
    await post(user, '/profile', { text: CVS.researcher });
    fake.script(anthropic.message({ text: '{"skills": [{"name": "JAX", "evidence": ' }));
    expect(await runQueued(db, modelDeps)).toBe('offline');
    const html = await page(user, '/profile');
    expect(html).toContain('The model’s answer could not be read, so this is the offline analysis.');
    expect(html).toContain('<th scope="row">JAX</th>');
  });

  it('keeps the text and says why when the CV is too short; nobody else sees a CV', async () => {
    const user = await withProfile(CVS.careerChanger);
    const res = await post(user, '/profile', { text: 'Python, SQL' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="f-text-error">Paste your CV/);
    expect(res.body).toContain('>Python, SQL</textarea>');
    const other = await signIn(app, db);
    expect(await page(other, '/profile')).not.toContain('Sam Whitfield');
    expect((await app.inject({ url: '/profile/result', headers: { ...other.headers, 'hx-request': 'true' } })).body).toContain('No CV yet');
  });
});

describe('the fit', () => {
  it('shows a breakdown whose lines add up to the score, for every JD, and compares them', async () => {
    const user = await withProfile(CVS.platformEngineer);
    const ids = [];
    for (const jd of Object.values(JDS)) ids.push(await addJob(user, jd));
    for (const id of ids) {
      const html = await page(user, `/jobs/${id}/fit`);
      const b = breakdownOf(html);
      expect(b.lines.length).toBeGreaterThan(2);
      expect(b.lines.reduce((s, x) => s + x.valueOf(), 0)).toBe(b.score);
      expect(html).toMatch(new RegExp(`Score: <span data-score>${b.score}</span> of <span data-max>${b.max}</span> points \\(${Math.round((100 * b.score) / b.max)}%\\)`));
    }
    const compare = await page(user, '/fit');
    for (const id of ids) expect(compare).toContain(`href="/jobs/${id}/fit"`);
    expect(compare).toContain('Senior Machine Learning Engineer');
  });

  it('writes the reading through the queue, removing a sentence that invents a skill', async () => {
    const user = await withProfile(CVS.platformEngineer);
    const id = await addJob(user, JDS.mlPlatform);
    const b = breakdownOf(await page(user, `/jobs/${id}/fit`));
    const fragment = await post(user, `/jobs/${id}/fit/reading`, {}, { 'hx-request': 'true' });
    expect(fragment.body).toContain(`hx-get="/jobs/${id}/fit/reading"`);
    expect(fragment.body).toContain('<progress');
    fake.script(anthropic.message({ text: JSON.stringify({ reading: `The CV shows Kubernetes and Python. It also shows years of Scala. Overall ${b.score} of ${b.max} points.` }) }));
    expect(await runQueued(db, modelDeps)).toBe('llm');
    expect(fake.requests.at(-1)!.body.messages[0].content).toContain('met — Kubernetes (must)');
    const done = await app.inject({ url: `/jobs/${id}/fit/reading`, headers: { ...user.headers, 'hx-request': 'true' } });
    expect(done.body).not.toContain('hx-trigger');
    expect(done.body).toContain(`The CV shows Kubernetes and Python. Overall ${b.score} of ${b.max} points.`);
    expect(done.body).not.toContain('Scala');
    expect(done.body).toContain('1 sentence of the model’s reading was removed');
  });

  it('offline, the reading is a template over the same breakdown', async () => {
    const user = await withProfile(CVS.careerChanger);
    const id = await addJob(user, JDS.researchScientist);
    const b = breakdownOf(await page(user, `/jobs/${id}/fit`));
    expect((await post(user, `/jobs/${id}/fit/reading`)).statusCode).toBe(303);
    expect(await runQueued(db, offlineDeps)).toBe('offline');
    expect(await page(user, `/jobs/${id}/fit`)).toContain(`the CV scores ${b.score} of ${b.max} points`);
  });
});

describe('the plan', () => {
  it('links the real gaps to bank problems and schedules them into "next up"', async () => {
    const user = await withProfile(CVS.careerChanger);
    const id = await addJob(user, JDS.researchScientist);
    const before = await page(user, '/progress');
    const res = await post(user, `/jobs/${id}/plan`, {}, { 'hx-request': 'true' });
    const slugs = [...res.body.matchAll(/href="\/problems\/([a-z0-9-]+)"/g)].map((m) => m[1]!);
    expect(slugs.length).toBeGreaterThan(0);
    for (const slug of slugs) expect(bank.bySlug.has(slug)).toBe(true);
    const progress = await page(user, '/progress');
    const due = progress.slice(progress.indexOf('Due for review'), progress.indexOf('</ul>', progress.indexOf('Due for review')));
    // Today's item is due now; the rest come back later, one a day.
    expect(due).toContain(`href="/problems/${slugs[0]}"`);
    expect(due).toContain('plan for Research Scientist, Language Models at Quillon Labs: practise');
    expect(before).not.toContain(`plan for Research Scientist`);
    for (const slug of slugs.slice(1)) expect(progress).toContain(`href="/problems/${slug}"`);
    // The problem the plan links to opens.
    expect((await app.inject({ url: `/problems/${slugs[0]}`, headers: user.headers })).statusCode).toBe(200);

    const other = await signIn(app, db);
    expect((await post(other, `/jobs/${id}/plan`)).statusCode).toBe(404);
    expect(await page(other, '/progress')).not.toContain('plan for Research Scientist');
  });
});

describe('the daily cap', () => {
  it('answers offline, saying the budget is used up, when the user has no tokens left', async () => {
    const capped = createLlm({
      config: testConfig(db, { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_DAILY_TOKEN_CAP: '1' }),
      pool: db.pool,
      logger: pino({ level: 'silent' }),
    });
    const user = await signIn(app, db);
    await post(user, '/profile', { text: CVS.researcher });
    expect(await runQueued(db, { db: db.pool, llm: capped })).toBe('offline');
    expect(fake.requests).toHaveLength(0);
    expect(await page(user, '/profile')).toContain('AI budget for today is used up');
  });
});
