/**
 * Every environment variable Bench reads, with its default and its check (zod). Names and meanings are the Python
 * Bench's, so an operator moving over keeps their Fly secrets; config.ts turns the parsed result into the Config the
 * app is given. A variable is added here and given its place in Config there.
 */
import { z } from 'zod';

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

export const envSchema = z.object({
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
