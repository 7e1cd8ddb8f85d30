/**
 * The models a provider can call: its configured list plus what an OpenAI-compatible endpoint lists on /v1/models.
 * `syncModels` asks the endpoint and upserts the answer (at web start and from the /admin/providers button);
 * `loadModels` reads the table, so a worker knows a model synced by the web process. Each model carries its list
 * price where the price table has it ("price unknown" otherwise: a run on it needs a token budget).
 */
import type { Queryable } from '../db/pool.js';
import { LlmError } from './errors.js';
import { priceFor } from './prices.js';
import type { ProviderRegistry } from './registry.js';
import { listSyncedModels, upsertModels } from './model-queries.js';

export interface SyncResult {
  provider: string;
  /** How many models the endpoint listed, and which of them were new to this process. */
  listed: number;
  added: string[];
  error?: string;
}

export async function syncModels(registry: ProviderRegistry, db: Queryable, signal?: AbortSignal): Promise<SyncResult[]> {
  const out: SyncResult[] = [];
  for (const { provider, status } of registry.entriesWithStatus()) {
    if (!status.enabled || !provider.listModels || !provider.addModels) continue;
    try {
      const listed = await provider.listModels(signal ?? new AbortController().signal);
      await upsertModels(db, provider.name, listed);
      out.push({ provider: provider.name, listed: listed.length, added: provider.addModels(listed.map((m) => m.id)) });
    } catch (err) {
      const message = err instanceof LlmError ? `${err.kind}: ${err.message}` : String(err);
      out.push({ provider: provider.name, listed: 0, added: [], error: message });
    }
  }
  return out;
}

export async function loadModels(registry: ProviderRegistry, db: Queryable): Promise<void> {
  const rows = await listSyncedModels(db);
  for (const { provider, status } of registry.entriesWithStatus()) {
    if (status.enabled && provider.addModels) provider.addModels(rows.filter((r) => r.provider === provider.name).map((r) => r.model));
  }
}

/** "$1 / $5 per million tokens (input / output)", or "price unknown". */
export function priceText(model: string): string {
  const p = priceFor(model);
  return p ? `$${p.input} / $${p.output} per million tokens (input / output)` : 'price unknown';
}
