/**
 * SQL of imported datasets: one row per version (name, hash), written by one INSERT so an import is whole or absent.
 */
import type { Queryable } from '../db/pool.js';
import type { BenchItem } from './dataset.js';

export interface DatasetVersion {
  id: string;
  name: string;
  hash: string;
  shape: string;
  ownerId: string | null;
  ownerEmail: string | null;
  itemCount: number;
  bytes: number;
  createdAt: Date;
}

export interface NewDataset {
  name: string;
  hash: string;
  shape: string;
  ownerId: string;
  items: BenchItem[];
  bytes: number;
}

/**
 * Stores a version, or finds the identical one already there: ON CONFLICT DO NOTHING keeps re-imports idempotent,
 * and `created` tells the caller which happened.
 */
export async function insertDatasetVersion(db: Queryable, d: NewDataset): Promise<{ id: string; created: boolean }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO bench_datasets (name, hash, shape, owner_id, item_count, items, bytes)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (name, hash) DO NOTHING
     RETURNING id::text AS id`,
    [d.name, d.hash, d.shape, d.ownerId, d.items.length, JSON.stringify(d.items), d.bytes],
  );
  if (rows[0]) return { id: rows[0].id, created: true };
  const existing = await db.query<{ id: string }>('SELECT id::text AS id FROM bench_datasets WHERE name = $1 AND hash = $2', [d.name, d.hash]);
  return { id: existing.rows[0]!.id, created: false };
}

/** Who first imported a name: only they may add versions to it (an admin may too). */
export async function datasetOwner(db: Queryable, name: string): Promise<string | null | undefined> {
  const { rows } = await db.query<{ owner_id: string | null }>('SELECT owner_id FROM bench_datasets WHERE name = $1 ORDER BY id LIMIT 1', [name]);
  return rows[0] ? rows[0].owner_id : undefined;
}

const VERSION_COLUMNS = `d.id::text AS id, d.name, d.hash, d.shape, d.owner_id, u.email AS owner_email, d.item_count, d.bytes, d.created_at`;

function toVersion(r: Record<string, any>): DatasetVersion {
  return { id: r.id, name: r.name, hash: r.hash, shape: r.shape, ownerId: r.owner_id, ownerEmail: r.owner_email, itemCount: r.item_count, bytes: r.bytes, createdAt: r.created_at };
}

/** The latest version of every name, newest first. */
export async function listLatestDatasets(db: Queryable): Promise<DatasetVersion[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (d.name) ${VERSION_COLUMNS}
     FROM bench_datasets d LEFT JOIN users u ON u.id = d.owner_id
     ORDER BY d.name, d.id DESC`,
  );
  return rows.map(toVersion).sort((a, b) => Number(b.id) - Number(a.id));
}

/** A version's items: the latest of the name, or the one with `hash`. */
export async function getDatasetItems(db: Queryable, name: string, hash?: string): Promise<{ hash: string; items: BenchItem[] } | null> {
  const { rows } = await db.query<{ hash: string; items: BenchItem[] }>(
    `SELECT hash, items FROM bench_datasets WHERE name = $1 AND ($2::text IS NULL OR hash = $2) ORDER BY id DESC LIMIT 1`,
    [name, hash ?? null],
  );
  return rows[0] ?? null;
}
