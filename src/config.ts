/**
 * The one place that reads the environment. Every variable keeps the name and meaning it had in the
 * Python Bench, so an operator moving over keeps their Fly secrets. The result is frozen and passed in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths.js';

const packageVersion = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

const optionalUrl = optionalString.pipe(z.url({ message: 'must be a URL (https://...)' }).optional());

const flag = z
  .enum(['0', '1', 'true', 'false', ''], { message: 'must be 1 or 0' })
  .optional()
  .transform((v) => v === '1' || v === 'true');

const int = (def: number, min = 0) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(def) : v.trim()))
    .pipe(z.string().regex(/^-?\d+$/, 'must be a whole number').transform(Number))
    .pipe(z.number().int().min(min, `must be at least ${min}`));

/** Model ids as providers spell them: `claude-sonnet-5-5`, `meta-llama/Llama-3.3-70B-Instruct`, `qwen3:32b`. */
const MODEL_NAME = /^[\w][\w.:/@-]*$/;
const modelName = (def: string) =>
  optionalString.transform((v) => v ?? def).pipe(z.string().regex(MODEL_NAME, 'must be a model name such as ' + def));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(3000, 0).pipe(z.number().max(65535, 'must be at most 65535')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: optionalUrl,
  CLIENT_IP_SOURCE: optionalString.pipe(
    z
      .string()
      .regex(/^(none|fly|cloudflare-fly|[1-9]\d?)$/, 'must be none, fly, cloudflare-fly, or a number of X-Forwarded-For hops (1-99)')
      .optional(),
  ),

  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATABASE_POOL_SIZE: int(10, 1),
  BENCH_DATA_DIR: z.string().default('.data'),

  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalUrl,
  ANTHROPIC_DAILY_TOKEN_CAP: int(200_000, 0),
  // Anthropic's current models (its model deprecations page, checked 2026-12-07); see MODEL_RETIREMENTS.
  ANTHROPIC_DEFAULT_MODEL: modelName('claude-sonnet-5-5'),
  ANTHROPIC_CHEAP_MODEL: modelName('claude-haiku-5-5'),

  OPENAI_COMPAT_BASE_URL: optionalUrl,
  OPENAI_COMPAT_API_KEY: optionalString,
  OPENAI_COMPAT_MODELS: list.pipe(z.array(z.string().regex(MODEL_NAME, 'must be comma-separated model names'))),
  LLM_TIMEOUT_MS: int(60_000, 100),
  LLM_MAX_RETRIES: int(2, 0).pipe(z.number().max(10, 'must be at most 10')),

  SUPABASE_URL: optionalUrl,
  SUPABASE_ANON_KEY: optionalString,
  SUPABASE_SERVICE_ROLE_KEY: optionalString,
  SUPABASE_JWT_SECRET: optionalString,

  SENTRY_DSN: optionalUrl,
  SENTRY_ENVIRONMENT: z.string().default('local'),
  SENTRY_TRACES_SAMPLE_RATE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
    .pipe(
      z
        .string()
        .regex(/^\d*\.?\d+$/, 'must be a number between 0 and 1')
        .transform(Number)
        .pipe(z.number().max(1, 'must be a number between 0 and 1'))
        .optional(),
    ),

  RESEND_API_KEY: optionalString,
  OPERATOR_NOTIFY_EMAIL: optionalString.pipe(z.email({ message: 'must be an e-mail address' }).optional()),
  OPERATOR_NOTIFY_FROM: optionalString,
  RESEND_BASE_URL: optionalUrl,

  LIS_ALLOWED_USER_IDS: list,
  LIS_ALLOWED_EMAILS: list,
  LIS_ADMIN_USER_IDS: list,
  LIS_DIAGNOSTICS_ENABLED: flag,

  GITHUB_FEEDBACK_TOKEN: optionalString,
  GITHUB_FEEDBACK_REPO: optionalString.pipe(
    z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must look like owner/repo').optional(),
  ),
  GITHUB_API_URL: optionalUrl,

  WORKER_CONCURRENCY: int(2, 1),
  SHUTDOWN_GRACE_MS: int(10_000, 0),
  WORKER_LEASE_MS: int(30_000, 500),
  GRADER_POOL_SIZE: int(1, 1),
  GRADER_CONCURRENCY: int(1, 1),
  GRADER_TIME_LIMIT_MS: int(10_000, 100),
  GRADER_MEMORY_LIMIT_MB: int(256, 64),
  WORKER_POLL_MS: int(2_000, 50),
  WORKER_RETRY_BASE_MS: int(1_000, 1),
  WORKER_RETRY_MAX_MS: int(300_000, 1),
  BENCH_MAX_RUN_COST_USD: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '10' : v.trim()))
    .pipe(z.string().regex(/^\d*\.?\d+$/, 'must be a number of US dollars, like 10 or 2.5').transform(Number)),
  BENCH_PAUSE_POLL_MS: int(30_000, 10),
  // The CLI's API mode (`npm run cli`): the Bench to talk to and a personal API token; unset: direct database mode.
  BENCH_API_URL: optionalUrl,
  BENCH_API_TOKEN: optionalString,
  /** The worker's internal health endpoint (unset: none). fly.toml sets it for the worker's check. */
  WORKER_HEALTH_PORT: int(0, 0).pipe(z.number().max(65535, 'must be at most 65535')),

  /** Remote dispatch of benchmark runs to Fly Machines (docs/dispatch.md). */
  BENCH_REMOTE: optionalString.pipe(z.enum(['off', 'fly'], { message: 'must be off or fly' }).optional()),
  FLY_API_TOKEN: optionalString,
  FLY_MACHINES_URL: optionalUrl,
  // The app the machines are made in; a separate app keeps the worker's Fly secrets off them (docs/dispatch.md).
  BENCH_REMOTE_APP: optionalString.pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a Fly app name').optional()),
  // Set by Fly on every machine to the image it runs: a machine dispatched from a worker runs the same image.
  FLY_IMAGE_REF: optionalString,
  BENCH_REMOTE_REGION: optionalString.pipe(z.string().regex(/^[a-z]{3}$/, 'must be a Fly region code such as ams').optional()),
  BENCH_REMOTE_GUEST: optionalString.pipe(
    z.string().regex(/^(shared|performance):[1-9]\d?:\d{3,6}$/, 'must be cpu_kind:cpus:memory_mb, such as shared:1:1024').optional(),
  ),
  BENCH_REMOTE_CONCURRENCY: int(4, 1),
  BENCH_REMOTE_TIME_LIMIT_S: int(3600, 1),
  BENCH_REMOTE_SWEEP_MS: int(60_000, 100),
  BENCH_REMOTE_DISPATCHER: optionalString.pipe(z.string().regex(/^[\w-]{1,40}$/, 'letters, digits, - and _ only (up to 40)').optional()),

  /** Baked into the image at build time (Dockerfile ARG): Sentry's release and the ops page's "version running". */
  GIT_SHA: optionalString,
  // Set by Fly on every machine (https://fly.io/docs/machines/runtime-environment/); read for tags, never required.
  FLY_APP_NAME: optionalString,
  FLY_REGION: optionalString,
  FLY_MACHINE_ID: optionalString,
  FLY_PROCESS_GROUP: optionalString,
});

export type Env = z.infer<typeof envSchema>;

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
