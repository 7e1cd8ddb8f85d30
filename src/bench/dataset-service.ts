/**
 * Importing a dataset, for the page and the API alike: the name, the shape and every line are checked first, and
 * only a file with no bad line is stored, in one statement. Names belong to whoever imported them first (an admin
 * may add versions to any); every user with benchmark access can see and run every dataset.
 */
import type { CurrentUser } from '../auth/current-user.js';
import type { Queryable } from '../db/pool.js';
import { BANK_DATASET } from './dataset.js';
import { datasetOwner, insertDatasetVersion } from './dataset-queries.js';
import { DATASET_NAME, DATASET_SHAPES, readDataset, type DatasetShape, type LineError } from './import.js';

export interface ImportInput {
  name: unknown;
  shape: unknown;
  jsonl: string;
}

export type ImportOutcome =
  | { ok: true; name: string; hash: string; items: number; created: boolean }
  | { ok: false; field: 'name' | 'shape' | 'file'; message: string; errors: LineError[] };

const refuse = (field: 'name' | 'shape' | 'file', message: string): ImportOutcome => ({ ok: false, field, message, errors: [] });

export async function importDataset(db: Queryable, user: CurrentUser, input: ImportInput): Promise<ImportOutcome> {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!DATASET_NAME.test(name)) return refuse('name', 'a name of lower-case letters, digits and - (up to 48), e.g. arith-sample');
  if (name === BANK_DATASET) return refuse('name', '"bank" is the built-in problem bank; choose another name');
  if (!DATASET_SHAPES.includes(input.shape as DatasetShape)) return refuse('shape', `the shape is one of ${DATASET_SHAPES.join(', ')}`);
  const owner = await datasetOwner(db, name);
  if (owner !== undefined && owner !== user.id && !user.isAdmin) return refuse('name', `"${name}" is another user's dataset; choose another name`);
  const shape = input.shape as DatasetShape;
  const read = readDataset(shape, input.jsonl, name);
  if (!read.ok) return { ok: false, field: 'file', message: read.message, errors: read.errors };
  const stored = await insertDatasetVersion(db, { name, hash: read.hash, shape, ownerId: user.id, items: read.items, bytes: Buffer.byteLength(input.jsonl) });
  return { ok: true, name, hash: read.hash, items: read.items.length, created: stored.created };
}
