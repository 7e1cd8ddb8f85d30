/**
 * The worker's side of the career tools (run kind `career-analyse`): fetch a JD's page when it was given as a URL
 * (through the reading library's connect-time-checked fetcher), then analyse a JD, a profile or a fit reading and
 * store the validated result. A fetch that fails is an outcome stored on the row with its message, not an error.
 */
import type { Queryable } from '../db/pool.js';
import { DEFAULT_POLICY, safeFetch, type FetchPolicy } from '../library/fetch.js';
import { analyseJd, analyseProfile, readFit } from './analyse.js';
import type { LlmPort } from './llm-port.js';
import { pageText } from './page-text.js';
import * as q from './queries.js';
import type { CareerTarget } from './service.js';

export interface AnalysisDeps {
  db: Queryable;
  llm: LlmPort;
  /** The fetcher's policy; tests pass a resolver they control. */
  policy?: FetchPolicy;
}

type Progress = (done: number, total: number, message: string) => Promise<void>;

async function jobText(deps: AnalysisDeps, job: q.JobRow, progress: Progress): Promise<string | { failed: string }> {
  if (job.rawText) return job.rawText;
  await progress(0, 2, 'Fetching the page');
  const outcome = await safeFetch(job.sourceUrl!, deps.policy ?? DEFAULT_POLICY);
  if (!outcome.ok) return { failed: `The page could not be fetched (${outcome.status.replace(/_/g, ' ')}): ${outcome.message}` };
  const text = pageText(outcome.body.toString('utf8'), outcome.contentType);
  if (text.length < 40) return { failed: 'The page had no readable text; paste the job description instead.' };
  await q.setJobText(deps.db, job.id, text);
  return text;
}

async function analyseJob(deps: AnalysisDeps, id: string, progress: Progress): Promise<string> {
  const job = await q.getJobById(deps.db, id);
  if (!job) return 'gone';
  const text = await jobText(deps, job, progress);
  if (typeof text !== 'string') {
    await q.recordJobAnalysis(deps.db, id, { status: 'failed', parsed: null, source: null, notice: text.failed });
    return 'failed';
  }
  await progress(1, 2, 'Reading the job description');
  const result = await analyseJd(deps.llm, job.userId, text);
  await q.recordJobAnalysis(deps.db, id, { status: 'ready', parsed: result.value, source: result.source, notice: result.notice });
  return result.source;
}

async function analyseOwnProfile(deps: AnalysisDeps, userId: string, progress: Progress): Promise<string> {
  const profile = await q.getProfile(deps.db, userId);
  if (!profile) return 'gone';
  await progress(0, 1, 'Reading the CV');
  const result = await analyseProfile(deps.llm, userId, profile.rawText);
  await q.recordProfileAnalysis(deps.db, userId, { status: 'ready', analysis: result.value, source: result.source, notice: result.notice });
  return result.source;
}

async function writeReading(deps: AnalysisDeps, jobId: string, progress: Progress): Promise<string> {
  const row = await q.getReadingById(deps.db, jobId);
  const job = await q.getJobById(deps.db, jobId);
  if (!row || !job?.parsed) return 'gone';
  const profile = await q.getProfile(deps.db, row.userId);
  await progress(0, 1, 'Writing the reading');
  const seniorityText = [job.parsed.level, ...(profile?.analysis?.seniority ?? []).map((s) => `${s.signal} ${s.evidence}`)].join(' ');
  const result = await readFit(deps.llm, row.userId, { assessment: row.assessment, role: job.parsed.role, company: job.parsed.company, seniorityText });
  await q.recordReading(deps.db, jobId, { status: 'ready', reading: result.value, source: result.source, notice: result.notice });
  return result.source;
}

/** Runs one queued analysis; returns what answered ('llm', 'offline', 'failed') or 'gone' when the row was deleted. */
export async function runCareerAnalysis(deps: AnalysisDeps, target: CareerTarget, progress: Progress = async () => {}): Promise<string> {
  if (target.target === 'job') return analyseJob(deps, target.id, progress);
  if (target.target === 'profile') return analyseOwnProfile(deps, target.userId, progress);
  return writeReading(deps, target.id, progress);
}
