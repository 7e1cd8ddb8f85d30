/**
 * The one place that reads the environment. Every variable keeps the name and meaning it had in the
 * Python Bench, so an operator moving over keeps their Fly secrets. The result is frozen and passed in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema, type Env } from './config-env.js';
import { projectRoot } from './paths.js';

export type { Env } from './config-env.js';

const packageVersion = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;


/** Where the client's address comes from (src/web/client-ip.ts): which proxy header, if any, is believed. */
export type ClientIpSource = { kind: 'none' } | { kind: 'fly' } | { kind: 'cloudflare-fly' } | { kind: 'hops'; hops: number };

/** Unset: Fly's header in production (what fly.toml deploys), no header anywhere else. */
function clientIpSource(value: string | undefined, env: Env['NODE_ENV']): ClientIpSource {
  const v = value ?? (env === 'production' ? 'fly' : 'none');
  if (v === 'none' || v === 'fly' || v === 'cloudflare-fly') return { kind: v };
  return { kind: 'hops', hops: Number(v) };
}

/** Where and how remote benchmark runs are dispatched; null when BENCH_REMOTE is off. */
export interface RemoteConfig {
  provider: 'fly';
  apiToken: string;
  /** The Fly app the machines are made in: BENCH_REMOTE_APP, else FLY_APP_NAME. */
  appName: string;
  machinesUrl: string;
  imageRef: string;
  /** Unset: Fly picks (the dispatching worker's own region on Fly is FLY_REGION). */
  region: string | undefined;
  guest: { cpu_kind: 'shared' | 'performance'; cpus: number; memory_mb: number };
  /** Live machines at most, across every worker (slots in Postgres). */
  concurrency: number;
  /** A remote run's time limit: its machine is force-destroyed then, and the cost guard prices this much. */
  timeLimitS: number;
  sweepMs: number;
  /** The label that marks this deployment's machines; distinct per deployment sharing one Fly app. */
  dispatcher: string;
}

export interface Config {
  env: Env['NODE_ENV'];
  /** NODE_ENV=production, or running on Fly: nothing is guessed (no embedded Postgres). */
  production: boolean;
  /** The git sha the image was built from, or the package version outside an image. */
  version: string;
  fly: { appName: string | undefined; region: string | undefined; machineId: string | undefined; processGroup: string | undefined };
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  publicUrl: string | undefined;
  clientIpSource: ClientIpSource;
  /** Unset means "start the embedded Postgres" (local use only). */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  anthropic: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    dailyTokenCap: number;
    /** Used by features that ask for the 'default' model, and by those that ask for the 'cheap' one. */
    defaultModel: string;
    cheapModel: string;
  };
  /** Any OpenAI-style chat-completions endpoint (OpenRouter, Chutes, a local vLLM). */
  openaiCompat: { baseUrl: string | undefined; apiKey: string | undefined; models: string[] };
  llm: { timeoutMs: number; maxRetries: number };
  supabase: {
    url: string | undefined;
    anonKey: string | undefined;
    serviceRoleKey: string | undefined;
    jwtSecret: string | undefined;
  };
  sentry: { dsn: string | undefined; environment: string; tracesSampleRate: number };
  resend: { apiKey: string | undefined; notifyEmail: string | undefined; notifyFrom: string | undefined; baseUrl: string | undefined };
  access: { allowedUserIds: string[]; allowedEmails: string[]; adminUserIds: string[] };
  diagnosticsEnabled: boolean;
  /** apiUrl is GitHub's REST API unless GITHUB_API_URL points elsewhere (GitHub Enterprise, or a test's fake). */
  githubFeedback: { token: string | undefined; repo: string | undefined; apiUrl: string };
  /** The worker's sandboxed grader pool (docs/grading-sandbox.md has the memory arithmetic behind the defaults). */
  grader: { poolSize: number; concurrency: number; timeLimitMs: number; memoryLimitMb: number };
  /** Benchmark runs (docs/bench.md): the largest estimated cost a non-admin may start, and how often a paused run retries. */
  bench: { maxRunCostUsd: number; pausePollMs: number };
  /** The CLI (`npm run cli`): with an API URL it talks to that Bench with the token, else to the database directly. */
  cli: { apiUrl: string | undefined; apiToken: string | undefined };
  remote: RemoteConfig | null;
  worker: {
    concurrency: number;
    shutdownGraceMs: number;
    /** How long a claimed run is a worker's without a heartbeat; heartbeats come every third of it. */
    leaseMs: number;
    /** Base of the jittered poll that covers missed notifications. */
    pollMs: number;
    /** Retry backoff: base * 2^(attempt-1), capped, with jitter (computed in SQL). */
    retryBaseMs: number;
    retryMaxMs: number;
    /** 0: no health endpoint. */
    healthPort: number;
  };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * For the two process entry points (web and worker): a bad environment prints every problem and exits with 2,
 * so a supervisor sees a configuration error rather than a crash.
 */
export function loadConfigOrExit(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

/** Validates the environment once. Throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const remote = remoteConfig(e);
  const config: Config = {
    env: e.NODE_ENV,
    production: e.NODE_ENV === 'production' || e.FLY_APP_NAME !== undefined,
    version: e.GIT_SHA ?? `v${packageVersion}`,
    fly: { appName: e.FLY_APP_NAME, region: e.FLY_REGION, machineId: e.FLY_MACHINE_ID, processGroup: e.FLY_PROCESS_GROUP },
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL,
    clientIpSource: clientIpSource(e.CLIENT_IP_SOURCE, e.NODE_ENV),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.BENCH_DATA_DIR,
    ...providerConfig(e),
    supabase: {
      url: e.SUPABASE_URL?.replace(/\/+$/, ''),
      anonKey: e.SUPABASE_ANON_KEY,
      serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY,
      jwtSecret: e.SUPABASE_JWT_SECRET,
    },
    sentry: {
      dsn: e.SENTRY_DSN,
      environment: e.SENTRY_ENVIRONMENT,
      // Traces use up the Sentry quota: 10% of them in a deployment, none on a developer's machine.
      tracesSampleRate: e.SENTRY_TRACES_SAMPLE_RATE ?? (e.SENTRY_ENVIRONMENT === 'local' ? 0 : 0.1),
    },
    resend: {
      apiKey: e.RESEND_API_KEY,
      notifyEmail: e.OPERATOR_NOTIFY_EMAIL,
      notifyFrom: e.OPERATOR_NOTIFY_FROM,
      // Passed to the SDK explicitly: left unset, it would read RESEND_BASE_URL from process.env by itself.
      baseUrl: e.RESEND_BASE_URL?.replace(/\/+$/, ''),
    },
    access: {
      allowedUserIds: e.LIS_ALLOWED_USER_IDS,
      allowedEmails: e.LIS_ALLOWED_EMAILS.map((m) => m.toLowerCase()),
      // With no explicit admins, the allowlisted users are the admins: a single-tenant install's allowlist is the
      // operator and their circle, and existing deployments set only LIS_ALLOWED_USER_IDS.
      adminUserIds: e.LIS_ADMIN_USER_IDS.length > 0 ? e.LIS_ADMIN_USER_IDS : e.LIS_ALLOWED_USER_IDS,
    },
    diagnosticsEnabled: e.LIS_DIAGNOSTICS_ENABLED,
    githubFeedback: {
      token: e.GITHUB_FEEDBACK_TOKEN,
      repo: e.GITHUB_FEEDBACK_REPO,
      apiUrl: (e.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    },
    grader: { poolSize: e.GRADER_POOL_SIZE, concurrency: e.GRADER_CONCURRENCY, timeLimitMs: e.GRADER_TIME_LIMIT_MS, memoryLimitMb: e.GRADER_MEMORY_LIMIT_MB },
    bench: { maxRunCostUsd: e.BENCH_MAX_RUN_COST_USD, pausePollMs: e.BENCH_PAUSE_POLL_MS },
    cli: { apiUrl: e.BENCH_API_URL?.replace(/\/+$/, ''), apiToken: e.BENCH_API_TOKEN },
    remote,
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      leaseMs: e.WORKER_LEASE_MS,
      pollMs: e.WORKER_POLL_MS,
      retryBaseMs: e.WORKER_RETRY_BASE_MS,
      retryMaxMs: Math.max(e.WORKER_RETRY_MAX_MS, e.WORKER_RETRY_BASE_MS),
      healthPort: e.WORKER_HEALTH_PORT,
    },
  };
  return deepFreeze(config);
}

/** The LLM providers' settings (docs/llm.md). */
function providerConfig(e: Env): Pick<Config, 'anthropic' | 'openaiCompat' | 'llm'> {
  return {
    anthropic: {
      apiKey: e.ANTHROPIC_API_KEY,
      baseUrl: e.ANTHROPIC_BASE_URL,
      dailyTokenCap: e.ANTHROPIC_DAILY_TOKEN_CAP,
      defaultModel: e.ANTHROPIC_DEFAULT_MODEL,
      cheapModel: e.ANTHROPIC_CHEAP_MODEL,
    },
    openaiCompat: {
      baseUrl: e.OPENAI_COMPAT_BASE_URL?.replace(/\/+$/, ''),
      apiKey: e.OPENAI_COMPAT_API_KEY,
      models: e.OPENAI_COMPAT_MODELS,
    },
    llm: { timeoutMs: e.LLM_TIMEOUT_MS, maxRetries: e.LLM_MAX_RETRIES },
  };
}

/** BENCH_REMOTE=fly needs the Fly settings and a database URL the machine can reach; each missing one is named. */
function remoteConfig(e: Env): RemoteConfig | null {
  if ((e.BENCH_REMOTE ?? 'off') === 'off') return null;
  const missing = (
    [
      ['FLY_API_TOKEN', e.FLY_API_TOKEN],
      ['BENCH_REMOTE_APP (or FLY_APP_NAME)', e.BENCH_REMOTE_APP ?? e.FLY_APP_NAME],
      ['FLY_IMAGE_REF', e.FLY_IMAGE_REF],
      ['DATABASE_URL', e.DATABASE_URL],
    ] as const
  ).filter(([, v]) => !v);
  if (missing.length > 0) {
    throw new ConfigError(missing.map(([name]) => `${name}: is required when BENCH_REMOTE=fly (see docs/dispatch.md)`));
  }
  const [kind, cpus, memory] = (e.BENCH_REMOTE_GUEST ?? 'shared:1:1024').split(':');
  return {
    provider: 'fly',
    apiToken: e.FLY_API_TOKEN!,
    appName: (e.BENCH_REMOTE_APP ?? e.FLY_APP_NAME)!,
    machinesUrl: (e.FLY_MACHINES_URL ?? 'https://api.machines.dev').replace(/\/+$/, ''),
    imageRef: e.FLY_IMAGE_REF!,
    region: e.BENCH_REMOTE_REGION,
    guest: { cpu_kind: kind as 'shared' | 'performance', cpus: Number(cpus), memory_mb: Number(memory) },
    concurrency: e.BENCH_REMOTE_CONCURRENCY,
    timeLimitS: e.BENCH_REMOTE_TIME_LIMIT_S,
    sweepMs: e.BENCH_REMOTE_SWEEP_MS,
    dispatcher: e.BENCH_REMOTE_DISPATCHER ?? 'bench',
  };
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The URL to connect to, or undefined for "start the embedded Postgres". Production never guesses: an embedded
 * database on a VM would quietly lose every row at the next deploy.
 */
export function databaseUrlFor(config: Pick<Config, 'databaseUrl' | 'production'>): string | undefined {
  if (config.databaseUrl || !config.production) return config.databaseUrl;
  throw new ConfigError([
    'DATABASE_URL: is required in production (NODE_ENV=production or FLY_APP_NAME set). Set it to your Postgres ' +
      "URL, e.g. `flyctl secrets set DATABASE_URL=postgresql://...`: the direct (session) connection for the worker " +
      'and migrations; see docs/deploy.md.',
  ]);
}

/** True when the server only answers on this machine: local sign-in is allowed only then. */
export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}
