/**
 * Exports of a benchmark run: items as JSONL and CSV, the summary as JSON, and a signed bundle holding the three
 * with a manifest of their SHA-256 hashes signed with Ed25519. The key pair is generated once and kept in
 * app_secrets; its public key is shown on /bench. Checking a bundle is verify.ts (the CLI and the page share it).
 */
import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { getOrCreateSecret } from '../auth/secrets.js';
import type { Queryable } from '../db/pool.js';
import type { ItemRow } from './item-queries.js';

export const BUNDLE_FORMAT = 'bench-export/1';

interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** Kept in app_secrets like the app's other keys, so every process signs with the same one. */
export function exportKey(db: Queryable): Promise<KeyPair> {
  return getOrCreateSecret(db, 'bench_export_key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  });
}

const CSV_COLUMNS = ['itemId', 'sample', 'kind', 'topic', 'verdict', 'extracted', 'extraction', 'inputTokens', 'outputTokens', 'costUsd', 'latencyMs', 'attempts', 'errorKind', 'stopReason'] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function itemsCsv(items: ItemRow[]): string {
  return [CSV_COLUMNS.join(','), ...items.map((i) => CSV_COLUMNS.map((c) => csvCell(i[c])).join(','))].join('\n') + '\n';
}

export function itemsJsonlText(items: ItemRow[]): string {
  return items.map((i) => JSON.stringify(i)).join('\n') + (items.length ? '\n' : '');
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  /** The signed bytes: a JSON manifest of file names, sizes and SHA-256 hashes. */
  manifest: string;
  /** Ed25519 signature of `manifest`, base64. */
  signature: string;
  publicKey: string;
  files: Record<string, string>;
}

export function signBundle(key: KeyPair, runId: string, files: Record<string, string>): Bundle {
  const manifest = JSON.stringify({
    run: runId,
    createdAt: new Date().toISOString(),
    files: Object.entries(files).map(([name, text]) => ({ name, bytes: Buffer.byteLength(text, 'utf8'), sha256: sha256(text) })),
  });
  const signature = sign(null, Buffer.from(manifest, 'utf8'), createPrivateKey(key.privateKey)).toString('base64');
  return { format: BUNDLE_FORMAT, manifest, signature, publicKey: key.publicKey, files };
}
