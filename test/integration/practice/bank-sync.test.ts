/**
 * Bank sync against Postgres: idempotent, a content change is a new version (old attempts keep theirs), and a
 * removed folder is hidden but its attempts survive.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { upsertUser } from '../../../src/auth/queries.js';
import { defaultBankDir, readBank } from '../../../src/practice/bank.js';
import { syncBank } from '../../../src/practice/bank-sync.js';
import { getVersionContent, insertAttempt } from '../../../src/practice/queries.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'bench-bank-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const slug of ['stable-softmax', 'expected-max-two-dice']) cpSync(join(defaultBankDir, slug), join(dir, slug), { recursive: true });

describe('syncBank', () => {
  it('upserts by slug with the content hash as version, and a second sync changes nothing', async () => {
    const bank = readBank(dir);
    expect(await syncBank(db.pool, bank)).toEqual({ problems: 2, newVersions: 2, deactivated: 0 });
    expect(await syncBank(db.pool, bank)).toEqual({ problems: 2, newVersions: 0, deactivated: 0 });
    const { rows } = await db.pool.query('SELECT slug, current_version, kind, active FROM problems ORDER BY slug');
    expect(rows).toEqual([
      { slug: 'expected-max-two-dice', current_version: bank.bySlug.get('expected-max-two-dice')!.hash, kind: 'numeric', active: true },
      { slug: 'stable-softmax', current_version: bank.bySlug.get('stable-softmax')!.hash, kind: 'code', active: true },
    ]);
    const stored = await getVersionContent(db.pool, bank.bySlug.get('stable-softmax')!.hash);
    expect(stored!.cases).toEqual(bank.bySlug.get('stable-softmax')!.cases);
  });

  it('an edited problem gets a new version while attempts keep pointing at the old one', async () => {
    const before = readBank(dir).bySlug.get('stable-softmax')!;
    const userId = '00000000-0000-4000-8000-000000000042';
    await upsertUser(db.pool, { id: userId, email: 'u@example.com', displayName: 'U' });
    const attempt = await insertAttempt(db.pool, {
      userId, slug: before.slug, versionHash: before.hash, kind: 'code', submission: 'x = 1', status: 'pending', hintsUsed: 0, aiHintsUsed: 0, graded: false,
    });
    const added = { name: 'added_later', visible: false, steps: [{ call: 'softmax', args: [[1]] }], expected: [[1]] };
    writeFileSync(join(dir, 'stable-softmax', 'cases.json'), JSON.stringify([...before.cases!, added]));
    const after = readBank(dir).bySlug.get('stable-softmax')!;
    expect(after.hash).not.toBe(before.hash);
    expect((await syncBank(db.pool, readBank(dir))).newVersions).toBe(1);
    const { rows } = await db.pool.query('SELECT version_hash FROM attempts WHERE id = $1', [attempt.id]);
    expect(rows[0].version_hash).toBe(before.hash);
    expect((await getVersionContent(db.pool, before.hash))!.cases!.map((c) => c.name)).not.toContain('added_later');
    expect((await getVersionContent(db.pool, after.hash))!.cases!.map((c) => c.name)).toContain('added_later');
  });

  it('a folder removed from the bank is marked inactive, not deleted', async () => {
    rmSync(join(dir, 'expected-max-two-dice'), { recursive: true });
    expect((await syncBank(db.pool, readBank(dir))).deactivated).toBe(1);
    const { rows } = await db.pool.query('SELECT active FROM problems WHERE slug = $1', ['expected-max-two-dice']);
    expect(rows[0].active).toBe(false);
  });

  it('web and worker syncing at the same moment both succeed', async () => {
    const bank = readBank();
    const results = await Promise.all([syncBank(db.pool, bank), syncBank(db.pool, bank)]);
    expect(results.map((r) => r.problems)).toEqual([bank.problems.length, bank.problems.length]);
    expect(results[0]!.newVersions + results[1]!.newVersions).toBe(bank.problems.length - 2); // two versions were synced by the first test
  });
});
