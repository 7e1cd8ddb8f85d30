/**
 * SQL for the career tools. Every read a page makes names the owner, so one user's job descriptions, profile and
 * readings are never another's; the worker's reads go by id (it was handed the id by the owner's own request).
 */
import type { Queryable } from '../db/pool.js';
import type { FitAssessment } from './fit.js';
import type { JdParsed, ProfileAnalysis } from './schemas.js';

export type AnalysisStatus = 'analysing' | 'ready' | 'failed';

export interface JobRow {
  id: string;
  userId: string;
  sourceUrl: string | null;
  rawText: string | null;
  status: AnalysisStatus;
  parsed: JdParsed | null;
  source: 'llm' | 'offline' | 'edited' | null;
  notice: string | null;
  createdAt: Date;
}

const JOB = `id::text AS id, user_id AS "userId", source_url AS "sourceUrl", raw_text AS "rawText", status, parsed, source,
  notice, created_at AS "createdAt"`;

export async function insertJob(db: Queryable, j: { userId: string; sourceUrl: string | null; rawText: string | null }): Promise<string> {
  const { rows } = await db.query('INSERT INTO job_descriptions (user_id, source_url, raw_text) VALUES ($1, $2, $3) RETURNING id::text AS id', [
    j.userId,
    j.sourceUrl,
    j.rawText,
  ]);
  return rows[0].id;
}

export async function listJobs(db: Queryable, userId: string): Promise<JobRow[]> {
  const { rows } = await db.query(`SELECT ${JOB} FROM job_descriptions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200`, [userId]);
  return rows;
}

export async function getJob(db: Queryable, userId: string, id: string): Promise<JobRow | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const { rows } = await db.query(`SELECT ${JOB} FROM job_descriptions WHERE id = $1 AND user_id = $2`, [id, userId]);
  return rows[0] ?? null;
}

export async function getJobById(db: Queryable, id: string): Promise<JobRow | null> {
  const { rows } = await db.query(`SELECT ${JOB} FROM job_descriptions WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function setJobText(db: Queryable, id: string, rawText: string): Promise<void> {
  await db.query('UPDATE job_descriptions SET raw_text = $2, updated_at = now() WHERE id = $1', [id, rawText]);
}

export async function recordJobAnalysis(
  db: Queryable,
  id: string,
  a: { status: AnalysisStatus; parsed: JdParsed | null; source: 'llm' | 'offline' | null; notice: string | null },
): Promise<void> {
  await db.query('UPDATE job_descriptions SET status = $2, parsed = $3, source = $4, notice = $5, updated_at = now() WHERE id = $1', [
    id,
    a.status,
    a.parsed === null ? null : JSON.stringify(a.parsed),
    a.source,
    a.notice,
  ]);
}

/** The user's corrections replace the parsed structure; the row records that a person, not a parser, wrote it. */
export async function saveJobCorrections(db: Queryable, userId: string, id: string, parsed: JdParsed): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE job_descriptions SET parsed = $3, source = 'edited', notice = NULL, status = 'ready', updated_at = now() WHERE id = $1 AND user_id = $2`,
    [id, userId, JSON.stringify(parsed)],
  );
  return rowCount === 1;
}

export interface ProfileRow {
  rawText: string;
  status: AnalysisStatus;
  analysis: ProfileAnalysis | null;
  source: 'llm' | 'offline' | null;
  notice: string | null;
  updatedAt: Date;
}

const PROFILE = `raw_text AS "rawText", status, analysis, source, notice, updated_at AS "updatedAt"`;

/** A new CV replaces the old one and its analysis: one profile per user, re-analysed from scratch. */
export async function saveProfileText(db: Queryable, userId: string, rawText: string): Promise<void> {
  await db.query(
    `INSERT INTO career_profiles (user_id, raw_text) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET raw_text = EXCLUDED.raw_text, status = 'analysing', analysis = NULL, source = NULL, notice = NULL, updated_at = now()`,
    [userId, rawText],
  );
}

export async function getProfile(db: Queryable, userId: string): Promise<ProfileRow | null> {
  const { rows } = await db.query(`SELECT ${PROFILE} FROM career_profiles WHERE user_id = $1`, [userId]);
  return rows[0] ?? null;
}

export async function recordProfileAnalysis(
  db: Queryable,
  userId: string,
  a: { status: AnalysisStatus; analysis: ProfileAnalysis | null; source: 'llm' | 'offline' | null; notice: string | null },
): Promise<void> {
  await db.query('UPDATE career_profiles SET status = $2, analysis = $3, source = $4, notice = $5, updated_at = now() WHERE user_id = $1', [
    userId,
    a.status,
    a.analysis === null ? null : JSON.stringify(a.analysis),
    a.source,
    a.notice,
  ]);
}

export interface ReadingRow {
  jobId: string;
  userId: string;
  assessment: FitAssessment;
  status: AnalysisStatus;
  reading: string | null;
  source: 'llm' | 'offline' | null;
  notice: string | null;
  updatedAt: Date;
}

const READING = `job_id::text AS "jobId", user_id AS "userId", assessment, status, reading, source, notice, updated_at AS "updatedAt"`;

export async function startReading(db: Queryable, userId: string, jobId: string, assessment: FitAssessment): Promise<void> {
  await db.query(
    `INSERT INTO fit_readings (job_id, user_id, assessment) VALUES ($1, $2, $3)
     ON CONFLICT (job_id) DO UPDATE SET assessment = EXCLUDED.assessment, status = 'analysing', reading = NULL, source = NULL, notice = NULL, updated_at = now()`,
    [jobId, userId, JSON.stringify(assessment)],
  );
}

export async function getReading(db: Queryable, userId: string, jobId: string): Promise<ReadingRow | null> {
  const { rows } = await db.query(`SELECT ${READING} FROM fit_readings WHERE job_id = $1 AND user_id = $2`, [jobId, userId]);
  return rows[0] ?? null;
}

export async function getReadingById(db: Queryable, jobId: string): Promise<ReadingRow | null> {
  const { rows } = await db.query(`SELECT ${READING} FROM fit_readings WHERE job_id = $1`, [jobId]);
  return rows[0] ?? null;
}

export async function recordReading(
  db: Queryable,
  jobId: string,
  r: { status: AnalysisStatus; reading: string | null; source: 'llm' | 'offline' | null; notice: string | null },
): Promise<void> {
  await db.query('UPDATE fit_readings SET status = $2, reading = $3, source = $4, notice = $5, updated_at = now() WHERE job_id = $1', [
    jobId,
    r.status,
    r.reading,
    r.source,
    r.notice,
  ]);
}
