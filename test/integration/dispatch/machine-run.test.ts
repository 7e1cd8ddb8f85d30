/**
 * The Fly Machines client and one machine's life (create -> wait -> destroy) against the fake Machines API on
 * 127.0.0.1, which runs each machine as a local child process with exactly the env in its config.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlyApiError, FlyMachinesClient, type MachineSpec } from '../../../src/dispatch/fly-client.js';
import { runMachine } from '../../../src/dispatch/machine-run.js';
import { startFakeFlyMachines, type FakeFly, type FakeMachine } from '../../fakes/fly-machines.js';

/** Prints its whole environment, then exits with $EXIT_CODE, or waits for stdin to close when $HOLD is set. */
const CHILD = `
process.stdout.write(JSON.stringify(process.env));
const code = Number(process.env.EXIT_CODE ?? 0);
if (process.env.HOLD) { process.stdin.resume(); process.stdin.on('end', () => process.exit(code)); } else process.exit(code);
`;

const spec = (env: Record<string, string>, run = 'run-1'): MachineSpec => ({
  image: 'registry.fly.io/your-fly-app:deployment-1',
  cmd: [process.execPath, '-e', CHILD],
  env,
  guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 512 },
  region: 'iad',
  labels: { app: 'your-fly-app', run_id: run, dispatcher: 'bench-dispatcher' },
});

let fake: FakeFly;
let client: FlyMachinesClient;
const retries: { action: string; status: number }[] = [];

async function setUp(options: Parameters<typeof startFakeFlyMachines>[0] = {}) {
  fake = await startFakeFlyMachines(options);
  retries.length = 0;
  client = new FlyMachinesClient({
    baseUrl: fake.url, token: fake.token, app: fake.app, backoffBaseMs: 5, backoffMaxMs: 20,
    onRetry: ({ action, status }) => void retries.push({ action, status }),
  });
}

/** Resolves when the fake has answered `count` responses with this status. */
function responses(status: number, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const on = (r: { status: number }) => {
      if (r.status === status && ++seen >= count) {
        fake.events.off('response', on);
        resolve();
      }
    };
    fake.events.on('response', on);
  });
}

function started(): Promise<FakeMachine> {
  return new Promise((resolve) => {
    const on = (m: FakeMachine) => {
      if (m.state === 'started' && m.child) {
        fake.events.off('state', on);
        resolve(m);
      }
    };
    fake.events.on('state', on);
  });
}

const later = () => Date.now() + 60_000;
const only = () => [...fake.machines.values()][0]!;

afterEach(async () => fake?.close());

describe('a machine for one run', () => {
  beforeEach(() => setUp());

  it('runs the command with exactly the env given, exits 0 and is destroyed; the config asks for no restart and auto-destroy', async () => {
    const out = await runMachine(client, spec({ BENCH_RUN_ID: 'run-1', DATABASE_URL: 'postgres://db.example.com/bench' }), { deadline: later() });
    expect(out.end).toEqual({ kind: 'exited', exitCode: 0 });
    expect(out.destroyed).toBe(true);
    const m = only();
    expect(m.state).toBe('destroyed');
    expect(JSON.parse(m.stdout)).toEqual({ BENCH_RUN_ID: 'run-1', DATABASE_URL: 'postgres://db.example.com/bench' });
    expect(m.config.restart).toEqual({ policy: 'no' });
    expect(m.config.auto_destroy).toBe(true);
    expect(m.config.metadata).toEqual({ app: 'your-fly-app', run_id: 'run-1', dispatcher: 'bench-dispatcher' });
  });

  it('reports a non-zero exit as such, and destroys the machine', async () => {
    const out = await runMachine(client, spec({ EXIT_CODE: '3' }), { deadline: later() });
    expect(out.end).toEqual({ kind: 'exited', exitCode: 3 });
    expect(only().state).toBe('destroyed');
  });

  it('reports a stop without an exit event as no_exit_event, never as success', async () => {
    fake.dropExitEventNext();
    const out = await runMachine(client, spec({}), { deadline: later() });
    expect(out.end).toEqual({ kind: 'no_exit_event' });
    expect(only().state).toBe('destroyed');
  });

  it('reports a child killed mid-run by its signal exit code', async () => {
    const running = started();
    const result = runMachine(client, spec({ HOLD: '1' }), { deadline: later() });
    (await running).child!.kill('SIGKILL');
    const out = await result;
    expect(out.end).toEqual({ kind: 'exited', exitCode: 137, signal: 'SIGKILL' });
    expect(only().state).toBe('destroyed');
  });

  it('reports a machine that vanished mid-run as vanished', async () => {
    const running = started();
    const result = runMachine(client, spec({ HOLD: '1' }), { deadline: later() });
    fake.vanish((await running).id);
    expect((await result).end).toEqual({ kind: 'vanished' });
  });

  it.each([401, 403, 422])('throws a create refused with %i at once, without retrying; no machine exists', async (status) => {
    fake.failNext('create', status);
    const err = await runMachine(client, spec({}), { deadline: later() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlyApiError);
    expect((err as FlyApiError).status).toBe(status);
    expect((err as FlyApiError).retryable).toBe(false);
    expect(fake.log.filter((r) => r.action === 'create')).toHaveLength(1);
    expect(fake.machines.size).toBe(0);
  });

  it('never puts the token in an error message', async () => {
    const wrong = new FlyMachinesClient({ baseUrl: fake.url, token: 'secret-token-value', app: fake.app });
    const err = (await wrong.create(spec({})).catch((e: unknown) => e)) as FlyApiError;
    expect(err.status).toBe(401);
    expect(err.message).not.toContain('secret-token-value');
  });

  it('rides out a 429 storm and 5xx answers with retries', async () => {
    fake.failNext('create', 429, 4);
    fake.failNext('get', 503, 2);
    const out = await runMachine(client, spec({}), { deadline: later() });
    expect(out.end).toEqual({ kind: 'exited', exitCode: 0 });
    expect(retries).toEqual([...Array(4).fill({ action: 'create', status: 429 }), ...Array(2).fill({ action: 'get', status: 503 })]);
    expect(fake.machines.size).toBe(1);
  });

  it('gives up after the attempts and says so', async () => {
    fake.failNext('create', 500, 10);
    const err = (await client.create(spec({})).catch((e: unknown) => e)) as FlyApiError;
    expect(err.status).toBe(500);
    expect(err.retryable).toBe(true);
    expect(fake.log.filter((r) => r.action === 'create')).toHaveLength(6);
  });

  it('lists live machines by label', async () => {
    await runMachine(client, spec({}, 'done-run'), { deadline: later() });
    const a = await client.create(spec({ HOLD: '1' }, 'run-a'));
    const b = await client.create(spec({ HOLD: '1' }, 'run-b'));
    const mine = await client.list({ dispatcher: 'bench-dispatcher' });
    expect(mine.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expect((await client.list({ run_id: 'run-a' })).map((m) => m.id)).toEqual([a.id]);
    expect(await client.list({ dispatcher: 'someone-else' })).toEqual([]);
  });
});

describe('waiting under our deadline', () => {
  beforeEach(() => setUp({ waitCapMs: 50 }));

  it('waits again after the API answers 408, until the machine stops', async () => {
    const running = started();
    const timeouts = responses(408, 2);
    const result = runMachine(client, spec({ HOLD: '1' }), { deadline: later() });
    const m = await running;
    // A client that took the API's 408 for an answer would end here, before the second 408.
    expect(await Promise.race([timeouts.then(() => 'waited'), result.then(() => 'ended early')])).toBe('waited');
    m.child!.stdin!.end();
    expect((await result).end).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('force-destroys a machine stuck past the deadline', async () => {
    fake.stickNext();
    const out = await runMachine(client, spec({}), { deadline: Date.now() + 1_500 });
    expect(out.end).toEqual({ kind: 'deadline' });
    expect(out.destroyed).toBe(true);
    expect(only().state).toBe('destroyed');
    expect(fake.log.some((r) => r.action === 'destroy' && r.status === 200)).toBe(true);
    expect(fake.log.some((r) => r.action === 'wait' && r.status === 408)).toBe(true);
  });
});

describe('the fake enforces the rate limits', () => {
  let clock = 0;
  beforeEach(() => setUp({ now: () => clock }));

  const raw = (method: string, path = '') =>
    fetch(`${fake.url}/v1/apps/${fake.app}/machines${path}`, { method, headers: { authorization: `Bearer ${fake.token}` }, ...(method === 'POST' ? { body: JSON.stringify({ skip_launch: true, config: {} }) } : {}) }).then((r) => r.status);

  it('allows a burst of 3 creates, then 429 until a second has passed', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await raw('POST'));
    expect(statuses).toEqual([200, 200, 200, 429]);
    clock += 1_000;
    expect(await raw('POST')).toBe(200);
    expect(await raw('POST')).toBe(429);
  });

  it('allows reads at 5/s with a burst of 10', async () => {
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push(await raw('GET'));
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    clock += 200;
    expect(await raw('GET')).toBe(200);
  });
});
