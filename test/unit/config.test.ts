import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { formatIntegrationTable, integrationStatus } from '../../src/integrations.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('loadConfig', () => {
  it('applies the original defaults', () => {
    const c = loadConfig({});
    expect(c.anthropic.dailyTokenCap).toBe(200_000);
    expect(c.sentry.environment).toBe('local');
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseUrl).toBeUndefined();
    expect(Object.isFrozen(c) && Object.isFrozen(c.access)).toBe(true);
  });

  it.each([
    ['ANTHROPIC_DAILY_TOKEN_CAP', 'lots', /whole number/],
    ['PORT', '70000', /at most 65535/],
    ['DATABASE_URL', 'mysql://x', /postgres/],
    ['SUPABASE_URL', 'not a url', /URL/],
    ['SENTRY_TRACES_SAMPLE_RATE', '1.5', /between 0 and 1/],
    ['OPERATOR_NOTIFY_EMAIL', 'nobody', /e-mail/],
    ['LIS_DIAGNOSTICS_ENABLED', 'yes', /1 or 0/],
    ['GITHUB_FEEDBACK_REPO', 'just-a-name', /owner\/repo/],
  ])('rejects a bad %s and names it', (name, value, reason) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
    expect(problems[0]).toMatch(reason);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'x', ANTHROPIC_DAILY_TOKEN_CAP: '-5' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['ANTHROPIC_DAILY_TOKEN_CAP', 'PORT']);
  });

  it('falls back to the allowlisted ids for admins, as the original did', () => {
    const c = loadConfig({ LIS_ALLOWED_USER_IDS: 'a, b', LIS_ALLOWED_EMAILS: 'X@Example.com' });
    expect(c.access.adminUserIds).toEqual(['a', 'b']);
    expect(c.access.allowedEmails).toEqual(['x@example.com']);
    expect(loadConfig({ LIS_ALLOWED_USER_IDS: 'a', LIS_ADMIN_USER_IDS: 'z' }).access.adminUserIds).toEqual(['z']);
  });
});

describe('integration status', () => {
  const row = (env: Record<string, string>, name: string) => integrationStatus(loadConfig(env)).find((r) => r.name === name)!;

  it('says what is off and what replaces it', () => {
    expect(row({}, 'Anthropic')).toMatchObject({ state: 'off', detail: expect.stringContaining('offline') });
    expect(row({}, 'Supabase Auth')).toMatchObject({ state: 'off', detail: expect.stringContaining('local sign-in') });
  });

  it('flags half-configured services', () => {
    expect(row({ SUPABASE_URL: 'https://x.supabase.co' }, 'Supabase Auth')).toMatchObject({
      state: 'half',
      detail: expect.stringContaining('SUPABASE_ANON_KEY'),
    });
    expect(row({ RESEND_API_KEY: 're_x' }, 'Resend').state).toBe('half');
    expect(row({ SUPABASE_URL: 'https://x.supabase.co', SUPABASE_ANON_KEY: 'k' }, 'Allowlist')).toMatchObject({
      state: 'half',
      detail: expect.stringContaining('ANYONE'),
    });
  });

  it('formats one line per integration', () => {
    const table = formatIntegrationTable(integrationStatus(loadConfig({ RESEND_API_KEY: 're_x' })));
    expect(table.split('\n')).toHaveLength(integrationStatus(loadConfig({})).length);
    expect(table).toMatch(/Resend\s+HALF/);
  });
});
