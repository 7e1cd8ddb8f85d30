import { describe, expect, it } from 'vitest';
import type { RouteOptions } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { startupWarnings } from '../../src/integrations.js';
import { contentSecurityPolicy, diagnosticsEnabled, RATE_LIMITS, rateLimitFor } from '../../src/web/security.js';

const route = (method: string | string[], url: string) => ({ method, url }) as unknown as RouteOptions;

describe('rate limits by path', () => {
  it.each([
    [route('POST', '/login/local'), RATE_LIMITS.signIn],
    [route('POST', '/auth/github'), RATE_LIMITS.signIn],
    [route('GET', '/auth/callback'), RATE_LIMITS.signIn],
    [route('POST', '/request-access'), RATE_LIMITS.requestAccess],
    [route('GET', '/request-access'), null],
    [route('POST', '/feedback'), RATE_LIMITS.feedback],
    [route(['POST', 'PUT'], '/problems/:id/feedback'), RATE_LIMITS.feedback],
    [route('GET', '/admin/feedback'), null],
    [route('POST', '/feedbackish'), null],
  ])('%o -> %o', (r, limit) => {
    expect(rateLimitFor(r)).toBe(limit);
  });
});

describe('diagnostics gate', () => {
  it('is open outside prod, closed in prod unless LIS_DIAGNOSTICS_ENABLED=1', () => {
    expect(diagnosticsEnabled(loadConfig({}))).toBe(true);
    expect(diagnosticsEnabled(loadConfig({ SENTRY_ENVIRONMENT: 'prod' }))).toBe(false);
    expect(diagnosticsEnabled(loadConfig({ SENTRY_ENVIRONMENT: 'prod', LIS_DIAGNOSTICS_ENABLED: '1' }))).toBe(true);
    expect(diagnosticsEnabled(loadConfig({ SENTRY_ENVIRONMENT: 'prod', LIS_DIAGNOSTICS_ENABLED: '0' }))).toBe(false);
  });
});

describe('CSP', () => {
  it('never allows inline or eval for scripts, whatever the config', () => {
    for (const env of [{}, { NODE_ENV: 'production', SUPABASE_URL: 'https://ref.supabase.example' }]) {
      const csp = contentSecurityPolicy(loadConfig(env as Record<string, string>));
      expect(csp['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    }
  });
});

describe('start-up warnings', () => {
  it('puts the open-door warning first, and still lists half-configured services', () => {
    const w = startupWarnings(loadConfig({ SUPABASE_URL: 'https://ref.supabase.example', SUPABASE_ANON_KEY: 'k', RESEND_API_KEY: 're_x' }));
    expect(w[0]).toMatch(/^NO ALLOWLIST/);
    expect(w.some((m) => m.startsWith('Resend is half-configured'))).toBe(true);
    expect(startupWarnings(loadConfig({}))).toEqual([]);
  });
});

describe('RESEND_BASE_URL', () => {
  it('is validated as a URL and handed to the SDK without a trailing slash', () => {
    expect(loadConfig({ RESEND_BASE_URL: 'http://127.0.0.1:9999/' }).resend.baseUrl).toBe('http://127.0.0.1:9999');
    expect(() => loadConfig({ RESEND_BASE_URL: 'nope' })).toThrow(/RESEND_BASE_URL/);
  });
});
