/** BENCH_REMOTE's configuration (src/config.ts) and the env a machine gets (src/dispatch/machine-env.ts). */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { machineEnv } from '../../../src/dispatch/machine-env.js';
import { parseRunOneArgs, runOneArgs } from '../../../worker/run-one-args.js';

const fly = {
  BENCH_REMOTE: 'fly', FLY_API_TOKEN: 'fly-token', FLY_APP_NAME: 'your-fly-app', FLY_IMAGE_REF: 'registry.fly.io/your-fly-app:deployment-1',
  DATABASE_URL: 'postgres://bench:db-password@db.example.com/bench',
};
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};

describe('BENCH_REMOTE', () => {
  it('is off by default', () => {
    expect(loadConfig({}).remote).toBeNull();
    expect(loadConfig({ BENCH_REMOTE: 'off', FLY_API_TOKEN: 'x' }).remote).toBeNull();
  });

  it('fly: reads the Fly settings with their defaults', () => {
    expect(loadConfig(fly).remote).toEqual({
      provider: 'fly', apiToken: 'fly-token', appName: 'your-fly-app', machinesUrl: 'https://api.machines.dev',
      imageRef: 'registry.fly.io/your-fly-app:deployment-1', region: undefined, guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 1024 },
      concurrency: 4, timeLimitS: 3600, sweepMs: 60_000, dispatcher: 'bench',
    });
    const custom = loadConfig({ ...fly, BENCH_REMOTE_GUEST: 'performance:2:4096', BENCH_REMOTE_REGION: 'ams', FLY_MACHINES_URL: 'http://127.0.0.1:4280/', BENCH_REMOTE_CONCURRENCY: '2' }).remote!;
    expect(loadConfig({ ...fly, BENCH_REMOTE_APP: 'your-fly-app-runs' }).remote!.appName).toBe('your-fly-app-runs');
    expect(custom).toMatchObject({ guest: { cpu_kind: 'performance', cpus: 2, memory_mb: 4096 }, region: 'ams', machinesUrl: 'http://127.0.0.1:4280', concurrency: 2 });
  });

  it('fly: names every missing setting at start', () => {
    expect(problemsOf({ BENCH_REMOTE: 'fly' }).map((p) => p.split(':')[0])).toEqual(['FLY_API_TOKEN', 'BENCH_REMOTE_APP (or FLY_APP_NAME)', 'FLY_IMAGE_REF', 'DATABASE_URL']);
  });

  it('refuses bad values with the reason', () => {
    expect(problemsOf({ BENCH_REMOTE: 'aws' })).toEqual(['BENCH_REMOTE: must be off or fly']);
    expect(problemsOf({ ...fly, BENCH_REMOTE_GUEST: 'shared-1x' })[0]).toMatch(/^BENCH_REMOTE_GUEST: must be cpu_kind:cpus:memory_mb/);
    expect(problemsOf({ ...fly, BENCH_REMOTE_CONCURRENCY: '0' })).toEqual(['BENCH_REMOTE_CONCURRENCY: must be at least 1']);
  });
});

describe('the machine env', () => {
  const config = loadConfig({
    ...fly, ANTHROPIC_API_KEY: 'sk-ant-key', OPENAI_COMPAT_BASE_URL: 'http://127.0.0.1:4000/v1', OPENAI_COMPAT_API_KEY: 'compat-key',
    OPENAI_COMPAT_MODELS: 'm1,m2', SUPABASE_SERVICE_ROLE_KEY: 'service-role', GITHUB_FEEDBACK_TOKEN: 'gh-token', RESEND_API_KEY: 're-key',
  });
  const plain = ['BENCH_PAUSE_POLL_MS', 'DATABASE_POOL_SIZE', 'DATABASE_URL', 'GRADER_CONCURRENCY', 'GRADER_MEMORY_LIMIT_MB', 'GRADER_POOL_SIZE',
    'GRADER_TIME_LIMIT_MS', 'LLM_MAX_RETRIES', 'LLM_TIMEOUT_MS', 'LOG_LEVEL', 'NODE_ENV', 'WORKER_LEASE_MS'];

  it("holds the database URL and only the run's provider's key", () => {
    const anthropic = machineEnv(config, 'anthropic');
    expect(Object.keys(anthropic).sort()).toEqual([...plain, 'ANTHROPIC_API_KEY', 'ANTHROPIC_CHEAP_MODEL', 'ANTHROPIC_DAILY_TOKEN_CAP', 'ANTHROPIC_DEFAULT_MODEL'].sort());
    expect(anthropic.ANTHROPIC_API_KEY).toBe('sk-ant-key');
    const compat = machineEnv(config, 'openai-compatible');
    expect(Object.keys(compat).sort()).toEqual([...plain, 'OPENAI_COMPAT_API_KEY', 'OPENAI_COMPAT_BASE_URL', 'OPENAI_COMPAT_MODELS'].sort());
    expect(compat).toMatchObject({ OPENAI_COMPAT_API_KEY: 'compat-key', OPENAI_COMPAT_MODELS: 'm1,m2', DATABASE_URL: fly.DATABASE_URL });
    expect(Object.keys(machineEnv(config, 'offline')).sort()).toEqual(plain);
  });

  it('never carries the Fly token or another service\'s secret', () => {
    for (const provider of ['anthropic', 'openai-compatible', 'offline']) {
      const values = Object.values(machineEnv(config, provider));
      for (const secret of ['fly-token', 'service-role', 'gh-token', 're-key']) expect(values).not.toContain(secret);
    }
  });
});

describe('run-one arguments', () => {
  it('round-trip a claim, and accept a bare run id', () => {
    expect(parseRunOneArgs(runOneArgs({ runId: '42', attempt: 3, leaseOwner: 'host:1:abc' }))).toEqual({ runId: '42', claim: { attempt: 3, leaseOwner: 'host:1:abc' } });
    expect(parseRunOneArgs(['42'])).toEqual({ runId: '42' });
  });

  it('refuse what is not a run id or half a claim', () => {
    expect(() => parseRunOneArgs([])).toThrow(/usage: run-one/);
    expect(() => parseRunOneArgs(['4x'])).toThrow(/usage: run-one/);
    expect(() => parseRunOneArgs(['42', '--attempt', '2'])).toThrow(/go together/);
    expect(() => parseRunOneArgs(['42', '--force', 'yes'])).toThrow(/unexpected argument --force/);
  });
});
