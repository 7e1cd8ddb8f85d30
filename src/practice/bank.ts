/**
 * The problem bank: one folder per problem under src/practice/bank/ (format in its README.md), read once,
 * validated with zod, and kept in memory for the life of the process. Pages read this copy, never the database,
 * so listing and opening a problem costs no query for its content.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../paths.js';
import type { TestCase } from './judge.js';

export const TOPICS = ['ml-coding', 'data-infra', 'debugging', 'probability', 'system-design', 'paper-reading', 'behavioural'] as const;
export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export const KINDS = ['code', 'numeric', 'written'] as const;

export type Topic = (typeof TOPICS)[number];
export type Difficulty = (typeof DIFFICULTIES)[number];
export type Kind = (typeof KINDS)[number];

export const defaultBankDir = join(projectRoot, 'src', 'practice', 'bank');

const base = z.object({
  title: z.string().min(3).max(120),
  topic: z.enum(TOPICS),
  difficulty: z.enum(DIFFICULTIES),
  minutes: z.number().int().min(1).max(240),
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9 -]*$/, 'tags are lowercase')).default([]),
  hints: z.array(z.string().min(1)).length(3, 'exactly three hints'),
});

const meta = z.discriminatedUnion('kind', [
  base.extend({ kind: z.literal('code') }).strict(),
  base.extend({ kind: z.literal('numeric'), answer: z.number().finite(), tolerance: z.number().positive() }).strict(),
  base
    .extend({
      kind: z.literal('written'),
      rubric: z
        .array(z.object({ point: z.string().min(3), keywords: z.array(z.string().min(2)).min(1) }).strict())
        .min(3)
        .max(10),
    })
    .strict(),
]);

export type RubricPoint = { point: string; keywords: string[] };

/** Everything about one version of a problem; stored whole in problem_versions.content. */
export interface ProblemContent {
  slug: string;
  title: string;
  kind: Kind;
  topic: Topic;
  difficulty: Difficulty;
  minutes: number;
  tags: string[];
  hints: string[];
  statement: string;
  writeup: string;
  /** code only */
  starter?: string;
  solution?: string;
  /** Test cases with the reference's outputs as expected values (cases.json, built from cases.py). */
  cases?: TestCase[];
  /** numeric only */
  answer?: number;
  tolerance?: number;
  /** written only */
  rubric?: RubricPoint[];
}

export interface Problem extends ProblemContent {
  /** sha256 of the content: the version attempts point at. */
  hash: string;
  /** The statement without its leading `# Title` line, which the page already shows as its heading. */
  statementBody?: string;
}

export function statementBody(statement: string): string {
  return statement.replace(/^\s*#\s+[^\n]*\n+/, '');
}

export interface Bank {
  dir: string;
  problems: Problem[];
  bySlug: Map<string, Problem>;
}

export class BankError extends Error {
  constructor(readonly problems: string[]) {
    super(`The problem bank is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BankError';
  }
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CODE_FILES = { starter: 'starter.py', solution: 'solution.py' } as const;

// Values are whatever JSON.parse gave (any JSON is a valid input or expected value); checking them element by
// element with a recursive zod union made reading the bank take seconds at every boot.
const value = z.unknown();
const stepSchema = z.union([
  z.object({ let: z.string().min(1), value }).strict(),
  z.object({ get: z.string().min(1) }).strict(),
  z.object({ call: z.string().min(1), args: z.array(value).optional(), kwargs: z.record(z.string(), value).optional(), raises: z.boolean().optional(), keep: z.string().min(1).optional() }).strict(),
]);
const casesSchema = z.array(z.object({
  name: z.string().regex(/^[a-z0-9_]+$/, 'case names are snake_case'),
  visible: z.boolean(),
  steps: z.array(stepSchema).min(1),
  expected: z.array(value),
  tol: z.object({ rel: z.number().min(0), abs: z.number().min(0) }).strict().optional(),
}).strict()).min(2);

function readCases(folder: string, slug: string, issues: string[]): TestCase[] {
  const text = readText(folder, 'cases.json', issues, slug);
  if (!text) return [];
  let parsed;
  try {
    parsed = casesSchema.safeParse(JSON.parse(text));
  } catch (err) {
    issues.push(`${slug}: cases.json: ${(err as Error).message}`);
    return [];
  }
  if (!parsed.success) {
    for (const i of parsed.error.issues.slice(0, 5)) issues.push(`${slug}: cases.json ${i.path.join('.') || '(root)'}: ${i.message}`);
    return [];
  }
  const cases = parsed.data as TestCase[];
  if (!cases.some((c) => c.visible) || !cases.some((c) => !c.visible)) issues.push(`${slug}: cases.json needs visible and hidden cases`);
  if (new Set(cases.map((c) => c.name)).size !== cases.length) issues.push(`${slug}: cases.json has two cases with one name`);
  return cases;
}

function readText(dir: string, file: string, issues: string[], slug: string): string {
  const path = join(dir, file);
  if (!existsSync(path)) {
    issues.push(`${slug}: missing ${file}`);
    return '';
  }
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') issues.push(`${slug}: ${file} is empty`);
  return text;
}

function readProblem(dir: string, slug: string, issues: string[]): ProblemContent | undefined {
  const folder = join(dir, slug);
  if (!SLUG.test(slug)) issues.push(`${slug}: folder name must be kebab-case`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(folder, 'problem.json'), 'utf8'));
  } catch (err) {
    issues.push(`${slug}: problem.json: ${(err as Error).message}`);
    return undefined;
  }
  const parsed = meta.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push(`${slug}: problem.json ${i.path.join('.') || '(root)'}: ${i.message}`);
    return undefined;
  }
  const m = parsed.data;
  const content: ProblemContent = {
    slug,
    title: m.title,
    kind: m.kind,
    topic: m.topic,
    difficulty: m.difficulty,
    minutes: m.minutes,
    tags: m.tags,
    hints: m.hints,
    statement: readText(folder, 'statement.md', issues, slug),
    writeup: readText(folder, 'writeup.md', issues, slug),
  };
  if (m.kind === 'code') {
    for (const [key, file] of Object.entries(CODE_FILES)) content[key as keyof typeof CODE_FILES] = readText(folder, file, issues, slug);
    content.cases = readCases(folder, slug, issues);
  } else if (m.kind === 'numeric') {
    content.answer = m.answer;
    content.tolerance = m.tolerance;
  } else {
    content.rubric = m.rubric.map((r) => ({ point: r.point, keywords: r.keywords.map((k) => k.toLowerCase()) }));
  }
  return content;
}

/** Content hash over a canonical serialisation (keys in a fixed order), so the same files always give one version. */
export function contentHash(content: ProblemContent): string {
  // Top-level keys sorted; nested objects (rubric points) are built in a fixed order by readProblem.
  const sorted = Object.fromEntries(Object.entries(content).sort(([a], [b]) => a.localeCompare(b)));
  const canonical = JSON.stringify(sorted);
  return createHash('sha256').update(canonical).digest('hex');
}

const DIFFICULTY_ORDER: Record<Difficulty, number> = { easy: 0, medium: 1, hard: 2 };

/** Reads and validates every folder; throws BankError listing every problem found, so one run fixes them all. */
export function readBank(dir = defaultBankDir): Bank {
  const issues: string[] = [];
  const problems: Problem[] = [];
  const folders = readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory()).sort();
  for (const slug of folders) {
    const content = readProblem(dir, slug, issues);
    if (content) problems.push({ ...content, hash: contentHash(content), statementBody: statementBody(content.statement) });
  }
  if (issues.length > 0) throw new BankError(issues);
  problems.sort(
    (a, b) =>
      TOPICS.indexOf(a.topic) - TOPICS.indexOf(b.topic) ||
      DIFFICULTY_ORDER[a.difficulty] - DIFFICULTY_ORDER[b.difficulty] ||
      a.title.localeCompare(b.title),
  );
  return { dir, problems, bySlug: new Map(problems.map((p) => [p.slug, p])) };
}

const cache = new Map<string, Bank>();

/** The bank for a folder, read once per process: the files only change with a deploy. */
export function loadBank(dir = defaultBankDir): Bank {
  let bank = cache.get(dir);
  if (!bank) {
    bank = readBank(dir);
    cache.set(dir, bank);
  }
  return bank;
}
