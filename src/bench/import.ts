/**
 * Reading an imported dataset: a JSONL file in one of three shapes (docs/bench.md), every line validated with zod.
 * The result is all the items or, when any line is bad, every bad line with its number, field and reason, so a user
 * fixes the file in one pass and nothing half-imported is ever stored.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { datasetHash, type BenchItem } from './dataset.js';
import { parseNumber } from './extract.js';
import { parseTestCode, TestCodeError } from './py-tests.js';

export const DATASET_SHAPES = ['choice', 'numeric', 'code'] as const;
export type DatasetShape = (typeof DATASET_SHAPES)[number];

/** Limits of one import: the file's bytes and its non-blank lines. The messages quote them. */
export const IMPORT_LIMITS = { maxBytes: 2 * 1024 * 1024, maxLines: 5000, maxErrors: 100 } as const;

export const DATASET_NAME = /^[a-z0-9][a-z0-9-]{0,47}$/;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const common = {
  id: z.string().trim().regex(/^[\w.:-]{1,100}$/, 'letters, digits, . : _ - only (up to 100)').optional(),
  topic: z.string().trim().min(1).max(64).optional(),
  difficulty: z.string().trim().min(1).max(32).optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(20).optional(),
};

const choiceLine = z.object({
  ...common,
  question: text(20_000),
  options: z.array(text(2_000)).min(2, 'needs at least 2 options').max(26, 'at most 26 options (A to Z)'),
  answer: z.string().trim().regex(/^[A-Za-z]$/, 'must be one letter, e.g. "C"').transform((s) => s.toUpperCase()),
}).strict().refine((l) => l.answer.charCodeAt(0) - 65 < l.options.length, { message: 'names no option (too few options for this letter)', path: ['answer'] });

const numericLine = z.object({
  ...common,
  question: text(20_000),
  answer: z.union([z.number().finite(), z.string().trim()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : parseNumber(v);
    if (n === null) ctx.addIssue({ code: 'custom', message: 'must be a number (or a string holding one, e.g. "1,234" or "3/4")' });
    return n ?? 0;
  }),
  tolerance: z.number().min(0, 'must be 0 or more').finite().optional(),
}).strict();

const codeLine = z.object({
  ...common,
  prompt: text(50_000),
  entry_point: z.string().trim().regex(/^[A-Za-z_]\w{0,99}$/, 'must be a Python function name'),
  test: text(200_000),
}).strict();

const SCHEMAS = { choice: choiceLine, numeric: numericLine, code: codeLine } as const;

export interface LineError {
  line: number;
  field: string;
  message: string;
}

export type ImportResult =
  | { ok: true; items: BenchItem[]; hash: string }
  | { ok: false; errors: LineError[]; message: string };

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function toItem(shape: DatasetShape, data: any, id: string, defaultTopic: string): BenchItem {
  const meta = { id, topic: data.topic ?? defaultTopic, difficulty: data.difficulty ?? 'unrated', tags: data.tags ?? [] };
  if (shape === 'choice') {
    return { ...meta, hash: '', kind: 'choice', title: id, statement: data.question, options: data.options, choice: data.answer };
  }
  if (shape === 'numeric') {
    return { ...meta, hash: '', kind: 'numeric', title: id, statement: data.question, answer: data.answer, tolerance: data.tolerance ?? 0 };
  }
  return {
    ...meta, hash: '', kind: 'code', title: id, statement: `Complete the Python function \`${data.entry_point}\`.`, starter: data.prompt,
    cases: parseTestCode(data.test, data.entry_point),
  };
}

/** One line: its item, or its errors (every zod issue, with the field it is about); and the id it claims. */
function readLine(shape: DatasetShape, raw: string, n: number, defaultTopic: string): { id: string; item?: BenchItem; errors?: LineError[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { id: `line-${n}`, errors: [{ line: n, field: '(line)', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  const claimed = (json as { id?: unknown } | null)?.id;
  const id = typeof claimed === 'string' ? claimed.trim() : `line-${n}`;
  const parsed = SCHEMAS[shape].safeParse(json);
  if (!parsed.success) {
    return { id, errors: parsed.error.issues.map((i) => ({ line: n, field: i.path.length ? i.path.join('.') : '(line)', message: i.message })) };
  }
  try {
    // The item's hash is over the validated line, so re-importing the same content gives the same version.
    const item = toItem(shape, parsed.data, id, defaultTopic);
    return { id, item: { ...item, hash: sha(JSON.stringify(parsed.data)) } };
  } catch (err) {
    if (err instanceof TestCodeError) return { id, errors: [{ line: n, field: 'test', message: err.message }] };
    throw err;
  }
}

function limitError(message: string): ImportResult {
  return { ok: false, errors: [{ line: 0, field: 'file', message }], message };
}

/** Reads a whole JSONL text (blank lines skipped): every item, or every bad line. */
export function readDataset(shape: DatasetShape, jsonl: string, name: string): ImportResult {
  const bytes = Buffer.byteLength(jsonl, 'utf8');
  const { maxBytes, maxLines, maxErrors } = IMPORT_LIMITS;
  if (bytes > maxBytes) return limitError(`the file is ${bytes.toLocaleString('en-US')} bytes; the limit is ${maxBytes.toLocaleString('en-US')} bytes (2 MB)`);
  const lines = jsonl.split(/\r?\n/).map((raw, i) => ({ raw, n: i + 1 })).filter((l) => l.raw.trim() !== '');
  if (lines.length === 0) return limitError('the file has no lines: one JSON object a line is expected');
  if (lines.length > maxLines) return limitError(`the file has ${lines.length.toLocaleString('en-US')} lines; the limit is ${maxLines.toLocaleString('en-US')} lines`);
  const items: BenchItem[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  for (const { raw, n } of lines) {
    const got = readLine(shape, raw, n, name);
    // Ids are checked on every line, valid or not, so fixing one line never reveals a new error on another.
    const first = seen.get(got.id);
    if (first !== undefined) errors.push({ line: n, field: 'id', message: `"${got.id}" is already the id of line ${first}` });
    else seen.set(got.id, n);
    if (got.errors) errors.push(...got.errors);
    else if (first === undefined) items.push(got.item!);
  }
  if (errors.length) {
    const badLines = new Set(errors.map((e) => e.line)).size;
    const shown = errors.slice(0, maxErrors);
    const more = errors.length > shown.length ? ` (the first ${maxErrors} are listed)` : '';
    return { ok: false, errors: shown, message: `${badLines} of ${lines.length} lines are not valid ${shape} items; nothing was imported${more}` };
  }
  return { ok: true, items, hash: datasetHash(items) };
}
