/**
 * A fake Fly Machines API (v1) on 127.0.0.1. It keeps each machine's state and events, enforces the API's rate limits
 * (mutating actions about 1 request/s with a burst of 3, reads 5/s with a burst of 10 -> 429), checks the bearer token,
 * and can be told to fail (an HTTP status for the next N calls of an action, a machine that never stops, a stop with
 * no exit event, a machine that vanishes). It "runs" a machine by spawning `config.init.cmd` as a local child
 * process with exactly `config.env` as its environment -- nothing inherited from the test process.
 *
 * The rate-limit clock is injectable so a test can check the limits without depending on wall-clock time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FlyAction = 'create' | 'get' | 'list' | 'wait' | 'destroy';
const READS: ReadonlySet<FlyAction> = new Set(['get', 'list', 'wait']);

export interface FakeMachineEvent {
  type: 'launch' | 'start' | 'exit' | 'destroy';
  status: string;
  source: 'user' | 'flyd';
  timestamp: number;
  request?: { exit_event?: { exit_code: number; oom_killed: boolean; requested_stop: boolean; signal?: string } };
}

export interface FakeMachine {
  id: string;
  instance_id: string;
  name: string;
  state: 'created' | 'starting' | 'started' | 'stopping' | 'stopped' | 'destroying' | 'destroyed';
  region: string;
  config: any;
  created_at: string;
  /** Newest first, as the API returns them. */
  events: FakeMachineEvent[];
  /** The spawned process (absent for a stuck machine). */
  child?: ChildProcess;
  /** What the child wrote: the fake keeps it for tests; the client never reads logs. */
  stdout: string;
  stderr: string;
}

export interface FakeFlyOptions {
  token?: string;
  app?: string;
  /** Clock for the rate limiter only. */
  now?: () => number;
  /** The longest the wait endpoint holds a request before its own 408, whatever timeout was asked (ms). */
  waitCapMs?: number;
}

export interface FakeFly {
  url: string;
  token: string;
  app: string;
  machines: Map<string, FakeMachine>;
  /** Every request and the status it got. */
  log: { action: FlyAction | 'unknown'; method: string; path: string; status: number }[];
  /** Emits 'response' ({action, status, machineId}) after each answer and 'state' (machine) on each change. */
  events: EventEmitter;
  failNext(action: FlyAction, status: number, times?: number): void;
  /** The next created machine starts but runs nothing and never stops by itself. */
  stickNext(): void;
  /** The next created machine stops without an exit event. */
  dropExitEventNext(): void;
  /** The machine disappears (404 from then on), child killed. */
  vanish(id: string): void;
  close(): Promise<void>;
}

/** A token bucket per action: `rate` tokens a second, at most `burst`. The fake's own, not the client's limiter, so a
 * mistake in the client's is not copied into what checks it. */
function bucketLimiter(now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (action: FlyAction): boolean => {
    const [rate, burst] = READS.has(action) ? [5, 10] : [1, 3];
    const t = now();
    const b = buckets.get(action) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    buckets.set(action, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}

/** The machines and what the fake was told to do to them; the HTTP layer below only routes to it. */
class MachineBook {
  readonly machines = new Map<string, FakeMachine>();
  readonly events = new EventEmitter();
  stickNext = false;
  dropExitNext = false;
  readonly #dropExit = new Set<string>();

  constructor(private readonly waitCapMs: number) {}

  setState(m: FakeMachine, state: FakeMachine['state'], event?: Omit<FakeMachineEvent, 'timestamp'>): void {
    m.state = state;
    if (event) m.events.unshift({ ...event, timestamp: Date.now() });
    this.events.emit('state', m);
  }

  create(body: any): FakeMachine {
    const id = randomBytes(7).toString('hex');
    const m: FakeMachine = {
      id, instance_id: randomBytes(8).toString('hex').toUpperCase(), name: body?.name ?? `machine-${id}`, state: 'created',
      region: body?.region ?? 'iad', config: body?.config ?? {}, created_at: new Date().toISOString(), events: [], stdout: '', stderr: '',
    };
    this.machines.set(id, m);
    this.setState(m, 'created', { type: 'launch', status: 'created', source: 'user' });
    if (this.dropExitNext) this.#dropExit.add(id);
    const stuck = this.stickNext;
    this.stickNext = this.dropExitNext = false;
    if (!body?.skip_launch) setImmediate(() => this.#launch(m, stuck));
    return m;
  }

  #launch(m: FakeMachine, stuck: boolean): void {
    const startEvent = { type: 'start', status: 'started', source: 'flyd' } as const;
    if (stuck) return this.setState(m, 'started', startEvent);
    const [cmd, ...args] = (m.config?.init?.cmd ?? []) as string[];
    // Exactly the machine's env: a real machine inherits nothing from whoever created it.
    const child = spawn(cmd!, args, { env: { ...(m.config?.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    m.child = child;
    child.stdout!.on('data', (c: Buffer) => void (m.stdout += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => void (m.stderr += c.toString('utf8')));
    child.on('error', (err) => void (m.stderr += String(err)));
    this.setState(m, 'started', startEvent);
    child.on('close', (code, signal) => {
      if (m.state !== 'started') return; // destroyed or vanished meanwhile
      // Killed by a signal: 128 + its number, as a shell (and Fly's init) reports it.
      const exit = { exit_code: code ?? 128 + (signal ? constants.signals[signal] : 0), oom_killed: false, requested_stop: false, ...(signal ? { signal } : {}) };
      this.setState(m, 'stopped', this.#dropExit.has(m.id) ? undefined : { type: 'exit', status: 'stopped', source: 'flyd', request: { exit_event: exit } });
      if (m.config?.auto_destroy) this.setState(m, 'destroyed', { type: 'destroy', status: 'destroyed', source: 'flyd' });
    });
  }

  list(params: URLSearchParams): FakeMachine[] {
    const wanted = [...params].filter(([k]) => k.startsWith('metadata.')).map(([k, v]) => [k.slice(9), v] as const);
    return [...this.machines.values()].filter((x) => x.state !== 'destroyed' && wanted.every(([k, v]) => x.config?.metadata?.[k] === v));
  }

  /** Holds a wait request until the machine reaches `state` (200), vanishes (404) or the timeout passes (408). */
  wait(m: FakeMachine, state: string, timeoutS: number, res: ServerResponse): Promise<number> {
    const reached = () => m.state === state || (state === 'stopped' && m.state === 'destroyed');
    if (reached()) return Promise.resolve(send(res, 200, { ok: true }));
    return new Promise((resolve) => {
      let settled = false;
      const finish = (status: number, body: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.events.off('state', onState);
        resolve(send(res, status, body));
      };
      const onState = (changed: FakeMachine) => {
        const gone = !this.machines.has(m.id);
        if (changed === m && (gone || reached())) finish(gone ? 404 : 200, gone ? { error: 'machine not found' } : { ok: true });
      };
      const timer = setTimeout(() => finish(408, { error: 'deadline_exceeded: machine did not reach the state in time' }), Math.min(timeoutS * 1000, this.waitCapMs));
      this.events.on('state', onState);
      res.on('close', () => finish(499, null)); // the client gave up: nothing to answer
    });
  }

  /** 412 for a running machine unless forced, as the API answers. */
  destroy(m: FakeMachine, force: boolean): number {
    if (m.state === 'started' && !force) return 412;
    m.child?.kill('SIGKILL');
    this.setState(m, 'destroyed', { type: 'destroy', status: 'destroyed', source: 'user' });
    return 200;
  }

  vanish(id: string): void {
    const m = this.machines.get(id);
    if (!m) return;
    this.machines.delete(id);
    m.state = 'destroyed'; // so the child's exit records nothing
    m.child?.kill('SIGKILL');
    this.events.emit('state', m);
  }
}

export async function startFakeFlyMachines(options: FakeFlyOptions = {}): Promise<FakeFly> {
  const token = options.token ?? 'fake-fly-token';
  const app = options.app ?? 'your-fly-app';
  const allow = bucketLimiter(options.now ?? Date.now);
  const book = new MachineBook(options.waitCapMs ?? 60_000);
  const failures = new Map<FlyAction, { status: number; times: number }[]>();
  const log: FakeFly['log'] = [];

  /** The status to answer before the action runs (auth, a scripted failure, the rate limit), or null to go on. */
  const refusal = (req: IncomingMessage, action: FlyAction): number | null => {
    if (req.headers.authorization !== `Bearer ${token}`) return 401;
    const scripted = failures.get(action)?.[0];
    if (scripted) {
      if (--scripted.times <= 0) failures.get(action)!.shift();
      return scripted.status;
    }
    return allow(action) ? null : 429;
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const parsed = parseRoute(req.method ?? 'GET', url.pathname, app);
    const refused = parsed ? refusal(req, parsed.action) : 404;
    const status = refused ? send(res, refused, { error: errorFor(refused) }) : await answer(book, parsed!, url, chunks, res);
    log.push({ action: parsed?.action ?? 'unknown', method: req.method ?? 'GET', path: url.pathname, status });
    book.events.emit('response', { action: parsed?.action, status, machineId: parsed?.id });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token, app, machines: book.machines, log, events: book.events,
    failNext(action, status, times = 1) {
      failures.set(action, [...(failures.get(action) ?? []), { status, times }]);
    },
    stickNext: () => void (book.stickNext = true),
    dropExitEventNext: () => void (book.dropExitNext = true),
    vanish: (id) => book.vanish(id),
    close: () =>
      new Promise<void>((resolve) => {
        for (const m of book.machines.values()) m.child?.kill('SIGKILL');
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs one action the fake let through and returns the status it answered. */
async function answer(book: MachineBook, route: { action: FlyAction; id?: string }, url: URL, chunks: Buffer[], res: ServerResponse): Promise<number> {
  let body: any;
  try {
    body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
  } catch {
    return send(res, 400, { error: 'invalid JSON body' });
  }
  const m = route.id ? book.machines.get(route.id) : undefined;
  if (route.id && (!m || (m.state === 'destroyed' && route.action === 'destroy'))) return send(res, 404, { error: 'machine not found' });
  switch (route.action) {
    case 'create':
      return send(res, 200, view(book.create(body)));
    case 'list':
      return send(res, 200, book.list(url.searchParams).map(view));
    case 'get':
      return send(res, 200, view(m!));
    case 'wait':
      return book.wait(m!, url.searchParams.get('state') ?? 'started', Number(url.searchParams.get('timeout') ?? 60), res);
    case 'destroy': {
      const status = book.destroy(m!, url.searchParams.get('force') === 'true');
      return send(res, status, status === 200 ? { ok: true } : { error: 'failed_precondition: machine still active, refusing to destroy' });
    }
  }
}

function errorFor(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'no such route';
  if (status === 429) return 'rate limit exceeded';
  return `fake Fly told to fail with ${status}`;
}

function parseRoute(method: string, path: string, app: string): { action: FlyAction; id?: string } | null {
  const base = `/v1/apps/${app}/machines`;
  if (path === base) return method === 'POST' ? { action: 'create' } : method === 'GET' ? { action: 'list' } : null;
  const rest = path.startsWith(`${base}/`) ? path.slice(base.length + 1).split('/') : null;
  if (!rest || !rest[0]) return null;
  const id = rest[0];
  if (rest.length === 1 && method === 'GET') return { action: 'get', id };
  if (rest.length === 1 && method === 'DELETE') return { action: 'destroy', id };
  if (rest.length === 2 && rest[1] === 'wait' && method === 'GET') return { action: 'wait', id };
  return null;
}

function view(m: FakeMachine) {
  const { child: _child, stdout: _out, stderr: _err, ...rest } = m;
  return rest;
}

function send(res: ServerResponse, status: number, body: unknown): number {
  if (!res.destroyed && !res.headersSent) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return status;
}
