import { describe, expect, it } from 'vitest';
import { normaliseDatabaseUrl } from '../../src/db/pool.js';

describe('normaliseDatabaseUrl', () => {
  it('gives a Supabase pooler URL libpq semantics for sslmode=require', () => {
    const url = 'postgresql://postgres.abc:pw@aws-0-region.pooler.supabase.com:5432/postgres?sslmode=require';
    const out = new URL(normaliseDatabaseUrl(url));
    expect(out.searchParams.get('sslmode')).toBe('require');
    expect(out.searchParams.get('uselibpqcompat')).toBe('true');
    expect(out.port).toBe('5432');
  });

  it('leaves plain and verify-full URLs alone', () => {
    expect(normaliseDatabaseUrl('postgres://u:p@localhost:5432/db')).toBe('postgres://u:p@localhost:5432/db');
    expect(normaliseDatabaseUrl('postgres://h/db?sslmode=verify-full')).not.toContain('uselibpqcompat');
  });
});
