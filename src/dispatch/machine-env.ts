/**
 * The environment a remote run's machine gets: built from the dispatcher's own Config, never copied from its
 * process environment, and holding only what `run-one` needs for this run: the database URL, the settings of the
 * run's one LLM provider (its key among them), and a few plain limits. Another provider's key, the Fly token, the
 * app's session and signing secrets, Sentry, Resend, GitHub: none of them goes to the machine.
 */
import type { Config } from '../config.js';

type EnvSource = Pick<Config, 'databaseUrl' | 'env' | 'logLevel' | 'anthropic' | 'openaiCompat' | 'llm' | 'grader' | 'worker' | 'bench'>;

export function machineEnv(config: EnvSource, provider: string): Record<string, string> {
  if (!config.databaseUrl) throw new Error('remote dispatch needs DATABASE_URL');
  const env: Record<string, string> = {
    DATABASE_URL: config.databaseUrl,
    NODE_ENV: config.env,
    LOG_LEVEL: config.logLevel,
    // One run, one executor: a small pool is plenty.
    DATABASE_POOL_SIZE: '4',
    WORKER_LEASE_MS: String(config.worker.leaseMs),
    LLM_TIMEOUT_MS: String(config.llm.timeoutMs),
    LLM_MAX_RETRIES: String(config.llm.maxRetries),
    BENCH_PAUSE_POLL_MS: String(config.bench.pausePollMs),
    GRADER_POOL_SIZE: String(config.grader.poolSize),
    GRADER_CONCURRENCY: String(config.grader.concurrency),
    GRADER_TIME_LIMIT_MS: String(config.grader.timeLimitMs),
    GRADER_MEMORY_LIMIT_MB: String(config.grader.memoryLimitMb),
  };
  return { ...env, ...providerEnv(config, provider) };
}

function providerEnv(config: EnvSource, provider: string): Record<string, string> {
  const set = (pairs: [string, string | undefined][]) => Object.fromEntries(pairs.filter((p): p is [string, string] => p[1] !== undefined));
  if (provider === 'anthropic') {
    const a = config.anthropic;
    return set([
      ['ANTHROPIC_API_KEY', a.apiKey],
      ['ANTHROPIC_BASE_URL', a.baseUrl],
      ['ANTHROPIC_DAILY_TOKEN_CAP', String(a.dailyTokenCap)],
      ['ANTHROPIC_DEFAULT_MODEL', a.defaultModel],
      ['ANTHROPIC_CHEAP_MODEL', a.cheapModel],
    ]);
  }
  if (provider === 'openai-compatible') {
    const o = config.openaiCompat;
    return set([
      ['OPENAI_COMPAT_BASE_URL', o.baseUrl],
      ['OPENAI_COMPAT_API_KEY', o.apiKey],
      ['OPENAI_COMPAT_MODELS', o.models.join(',')],
    ]);
  }
  return {}; // the offline provider needs nothing
}

