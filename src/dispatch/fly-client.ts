/**
 * A small client for the Fly Machines REST API (v1): create, get, wait, destroy and list-by-label, with a client-side
 * rate limiter (rate-limiter.ts) and retries with exponential backoff and jitter on 429 and 5xx. Plain `fetch`: the
 * API is five JSON endpoints, and no maintained npm SDK for it exists.
 * Docs: https://fly.io/docs/machines/api/machines-resource/
 *
 * The token only ever goes into the Authorization header: error messages carry the action, the status and the API's
 * error text, never the request.
 */
import { ActionRateLimiter, type FlyAction } from './rate-limiter.js';

export const DEFAULT_MACHINES_URL = 'https://api.machines.dev';

export interface GuestSpec {
  cpu_kind: 'shared' | 'performance';
  cpus: number;
  memory_mb: number;
}

export interface MachineSpec {
  image: string;
  cmd: string[];
  /** Exactly what the machine's process sees: pass only what the run needs. */
  env: Record<string, string>;
  guest: GuestSpec;
  region?: string;
  /** Stored as machine metadata; `list` filters on them. */
  labels: Record<string, string>;
  name?: string;
}

export interface ExitEvent {
  exit_code: number;
  oom_killed?: boolean;
  requested_stop?: boolean;
  signal?: string;
}

export interface Machine {
  id: string;
  instance_id: string;
  name: string;
  state: string;
  region: string;
  created_at: string;
  config: { metadata?: Record<string, string> } & Record<string, unknown>;
  events?: { type: string; status: string; timestamp: number; request?: { exit_event?: ExitEvent } }[];
}

export class FlyApiError extends Error {
  constructor(readonly action: FlyAction, readonly status: number, detail: string) {
    super(`Fly Machines ${action} failed with HTTP ${status}: ${detail}`);
    this.name = 'FlyApiError';
  }

  /** Worth trying again later (rate limited, or the API's own trouble); 4xx otherwise means our request is wrong. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500 || this.status === 0;
  }
}

export interface FlyClientOptions {
  baseUrl?: string;
  token: string;
  app: string;
  limiter?: ActionRateLimiter;
  /** Attempts per request on 429/5xx/network errors, the first included. */
  attempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called on each retry, for logs and tests (never given the token). */
  onRetry?: (info: { action: FlyAction; status: number; attempt: number; delayMs: number }) => void;
}

/** The wait endpoint's own longest timeout, in seconds. */
const MAX_WAIT_S = 60;

export class FlyMachinesClient {
  readonly #base: string;
  readonly #limiter: ActionRateLimiter;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: FlyClientOptions) {
    this.#base = `${(options.baseUrl ?? DEFAULT_MACHINES_URL).replace(/\/$/, '')}/v1/apps/${encodeURIComponent(options.app)}/machines`;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#limiter = options.limiter ?? new ActionRateLimiter(this.#now, this.#sleep);
  }

  /** Creates and starts a machine that runs once: no restart, destroyed by Fly when its process exits. */
  async create(spec: MachineSpec): Promise<Machine> {
    const body = {
      ...(spec.name ? { name: spec.name } : {}),
      ...(spec.region ? { region: spec.region } : {}),
      config: {
        image: spec.image,
        init: { cmd: spec.cmd },
        env: spec.env,
        guest: spec.guest,
        restart: { policy: 'no' },
        auto_destroy: true,
        metadata: spec.labels,
      },
    };
    return (await this.#request('create', 'POST', '', body)) as Machine;
  }

  /** The machine, or null when the API no longer knows it. */
  async get(id: string): Promise<Machine | null> {
    try {
      return (await this.#request('get', 'GET', `/${encodeURIComponent(id)}`)) as Machine;
    } catch (err) {
      if (err instanceof FlyApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** Live machines whose metadata carries every one of `labels`. */
  async list(labels: Record<string, string>): Promise<Machine[]> {
    const query = new URLSearchParams(Object.entries(labels).map(([k, v]): [string, string] => [`metadata.${k}`, v]));
    return (await this.#request('list', 'GET', `?${query}`)) as Machine[];
  }

  /**
   * Waits until the machine reaches `state` or `deadline` (epoch ms) passes. The API holds a wait for at most 60 s and
   * answers 408 on its own timeout; that is not our deadline, so we ask again until ours. Returns 'reached',
   * 'deadline', or 'vanished' (404: the machine is gone).
   */
  async waitFor(id: string, instanceId: string, state: 'started' | 'stopped' | 'destroyed', deadline: number): Promise<'reached' | 'deadline' | 'vanished'> {
    for (;;) {
      const remainingS = Math.ceil((deadline - this.#now()) / 1000);
      if (remainingS <= 0) return 'deadline';
      const query = new URLSearchParams({ instance_id: instanceId, state, timeout: String(Math.min(MAX_WAIT_S, remainingS)) });
      try {
        await this.#request('wait', 'GET', `/${encodeURIComponent(id)}/wait?${query}`);
        return 'reached';
      } catch (err) {
        if (err instanceof FlyApiError && err.status === 408) continue;
        if (err instanceof FlyApiError && err.status === 404) return 'vanished';
        throw err;
      }
    }
  }

  /** Destroys the machine; a machine that is already gone counts as destroyed. */
  async destroy(id: string, force: boolean): Promise<void> {
    try {
      await this.#request('destroy', 'DELETE', `/${encodeURIComponent(id)}${force ? '?force=true' : ''}`);
    } catch (err) {
      if (err instanceof FlyApiError && err.status === 404) return;
      throw err;
    }
  }

  async #request(action: FlyAction, method: string, suffix: string, body?: unknown): Promise<unknown> {
    const attempts = this.options.attempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      await this.#limiter.acquire(action);
      let status = 0;
      let detail = '';
      let retryAfterMs: number | null = null;
      try {
        const res = await fetch(`${this.#base}${suffix}`, {
          method,
          headers: { authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          // A wait is held up to 60 s by the API; anything else that takes this long is a dead connection.
          signal: AbortSignal.timeout((MAX_WAIT_S + 15) * 1000),
        });
        const text = await res.text();
        if (res.ok) return text ? JSON.parse(text) : null;
        status = res.status;
        detail = errorText(text);
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch (err) {
        detail = `network error: ${(err as Error).message}`;
      }
      const error = new FlyApiError(action, status, detail);
      if (!error.retryable || attempt >= attempts) throw error;
      const delayMs = retryAfterMs ?? this.#backoff(attempt);
      this.options.onRetry?.({ action, status, attempt, delayMs });
      await this.#sleep(delayMs);
    }
  }

  /** Exponential backoff with full jitter, so several dispatchers that were refused together do not retry together. */
  #backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 500;
    const cap = this.options.backoffMaxMs ?? 10_000;
    return Math.round(Math.random() * Math.min(cap, base * 2 ** (attempt - 1)));
  }
}

/** The exit event of the machine's last run, or null when Fly recorded none (never read as success). */
export function exitEventOf(machine: Machine): ExitEvent | null {
  const exit = machine.events?.find((e) => e.type === 'exit');
  return exit?.request?.exit_event ?? null;
}

function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 300) || '(empty body)';
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, 30_000) : null;
}
