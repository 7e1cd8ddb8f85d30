/** SQL of synced provider models (llm_models). */
import type { Queryable } from '../db/pool.js';

/** One statement for the whole list: new models are added, known ones get a fresh last_seen_at. */
export async function upsertModels(db: Queryable, provider: string, models: { id: string; ownedBy: string | null }[]): Promise<void> {
  if (models.length === 0) return;
  await db.query(
    `INSERT INTO llm_models (provider, model, owned_by)
     SELECT $1, m.id, m.owned_by FROM unnest($2::text[], $3::text[]) AS m (id, owned_by)
     ON CONFLICT (provider, model) DO UPDATE SET owned_by = EXCLUDED.owned_by, last_seen_at = now()`,
    [provider, models.map((m) => m.id), models.map((m) => m.ownedBy)],
  );
}

export async function listSyncedModels(db: Queryable): Promise<{ provider: string; model: string }[]> {
  const { rows } = await db.query<{ provider: string; model: string }>('SELECT provider, model FROM llm_models ORDER BY provider, model');
  return rows;
}
