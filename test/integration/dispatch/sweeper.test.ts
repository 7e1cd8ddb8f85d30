/**
 * The sweeper of orphaned machines against the fake Machines API and a real runs table: it destroys machines whose
 * run is unknown, not running, on a later attempt or out of lease, keeps the one whose run is alive, and cleans up
 * after a dispatcher killed with SIGKILL right after its create.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlyMachinesClient } from '../../../src/dispatch/fly-client.js';
import { machinesForRun, recordMachineCreated } from '../../../src/dispatch/queries.js';
import { LABELS, sweepAndRecord, sweepOrphans } from '../../../src/dispatch/sweeper.js';
import { registerWorker } from '../../../src/runs/worker-queries.js';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { claimRuns } from '../../../src/runs/lease-queries.js';
import { startFakeFlyMachines, type FakeFly } from '../../fakes/fly-machines.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
const DISPATCHER = 'bench-dispatcher';
let fake: FakeFly;
let client: FlyMachinesClient;

beforeEach(async () => {
  fake = await startFakeFlyMachines();
  client = new FlyMachinesClient({ baseUrl: fake.url, token: fake.token, app: fake.app, backoffBaseMs: 5, backoffMaxMs: 20 });
});
afterEach(() => fake.close());

/** A run of its own kind, claimed with the given lease (negative: already lapsed), or left queued. */
async function run(kind: string, leaseMs: number | null): Promise<{ id: string; attempt: number }> {
  const { id } = await enqueueRun(db.pool, { kind, ownerId: null, payload: {} });
  if (leaseMs === null) return { id, attempt: 0 };
  const [claimed] = await claimRuns(db.pool, { workerId: 'dispatcher-1', kinds: [kind], limit: 1, leaseMs });
  return { id, attempt: claimed!.attempt };
}

async function machineFor(runId: string, attempt: number, dispatcher = DISPATCHER): Promise<string> {
  const m = await client.create({
    image: 'registry.fly.io/your-fly-app:deployment-1',
    cmd: [process.execPath, '-e', 'process.stdin.resume()'],
    env: {},
    guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 512 },
    labels: { [LABELS.dispatcher]: dispatcher, [LABELS.runId]: runId, [LABELS.attempt]: String(attempt) },
  });
  return m.id;
}

describe('sweepOrphans', () => {
  it('destroys the machines of unknown, queued, superseded and lapsed runs, and keeps the live one and other dispatchers\'', async () => {
    const live = await run('dispatch-live', 60_000);
    const lapsed = await run('dispatch-lapsed', -1_000);
    const queued = await run('dispatch-queued', null);
    const keep = await machineFor(live.id, live.attempt);
    const superseded = await machineFor(live.id, live.attempt - 1);
    const outOfLease = await machineFor(lapsed.id, lapsed.attempt);
    const notRunning = await machineFor(queued.id, 1);
    const unknown = await machineFor('987654321', 1);
    const othersMachine = await machineFor('987654321', 1, 'another-dispatcher');

    const result = await sweepOrphans({ client, db: db.pool, dispatcher: DISPATCHER });

    expect(result.kept).toEqual([keep]);
    expect(result.errors).toEqual([]);
    expect(new Map(result.destroyed.map((d) => [d.machineId, d.reason]))).toEqual(
      new Map([
        [superseded, `run ${live.id} is on attempt ${live.attempt}, the machine was made for attempt ${live.attempt - 1}`],
        [outOfLease, `run ${lapsed.id}'s lease has lapsed`],
        [notRunning, `run ${queued.id} is queued`],
        [unknown, 'run 987654321 is unknown'],
      ]),
    );
    for (const id of [superseded, outOfLease, notRunning, unknown]) expect(fake.machines.get(id)!.state).toBe('destroyed');
    expect(fake.machines.get(keep)!.state).toBe('started');
    expect(fake.machines.get(othersMachine)!.state).toBe('started');
  });

  it('destroys the orphan of a dispatcher killed with SIGKILL right after create, once its lease has lapsed', async () => {
    const r = await run('dispatch-killed', 60_000);
    const script = fileURLToPath(new URL('./fixtures/dispatch-then-hang.ts', import.meta.url));
    const dispatcher = spawn(process.execPath, ['--import', 'tsx', script, fake.url, fake.token, fake.app, r.id, String(r.attempt)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(dispatcher.stdout!, 'data')) as [Buffer];
    const machineId = line.toString('utf8').trim();
    dispatcher.kill('SIGKILL');
    await once(dispatcher, 'exit');
    expect(fake.machines.get(machineId)!.state).toBe('started');

    // While the dead dispatcher's lease still runs, the machine might be doing the run's work: it stays.
    expect((await sweepOrphans({ client, db: db.pool, dispatcher: DISPATCHER })).kept).toEqual([machineId]);

    // The lease lapses (the queue's clock moved on: set here rather than waited for).
    await db.pool.query(`UPDATE runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [r.id]);
    const swept = await sweepOrphans({ client, db: db.pool, dispatcher: DISPATCHER });
    expect(swept.destroyed).toEqual([{ machineId, reason: `run ${r.id}'s lease has lapsed` }]);
    expect(fake.machines.get(machineId)!.state).toBe('destroyed');
  });

  it("leaves a finished run's machine to the living dispatcher that watches it, and marks rows of machines Fly removed as gone", async () => {
    const done = await run('dispatch-done', null);
    await db.pool.query(`UPDATE runs SET status = 'succeeded', finished_at = now() WHERE id = $1`, [done.id]);
    await registerWorker(db.pool, { workerId: 'live-dispatcher', host: 'h', pid: 1, version: 't', kinds: [], concurrency: 1, livenessKey: 424242 });
    const watched = await machineFor(done.id, 1);
    const unwatched = await machineFor(done.id, 1);
    const guest = { cpu_kind: 'shared', cpus: 1, memory_mb: 512 };
    await recordMachineCreated(db.pool, { machineId: watched, runId: done.id, attempt: 1, dispatcherWorker: 'live-dispatcher', region: 'iad', guest });
    await recordMachineCreated(db.pool, { machineId: unwatched, runId: done.id, attempt: 1, dispatcherWorker: 'dead-dispatcher', region: 'iad', guest });
    // A machine Fly already destroyed by itself, recorded by a dispatcher that died: no longer listed.
    await recordMachineCreated(db.pool, { machineId: 'gone0000000001', runId: done.id, attempt: 1, dispatcherWorker: 'dead-dispatcher', region: 'iad', guest });

    const swept = await sweepAndRecord({ client, db: db.pool, dispatcher: DISPATCHER });
    expect(swept.kept).toEqual([watched]);
    expect(swept.destroyed).toEqual([{ machineId: unwatched, reason: `run ${done.id} is succeeded` }]);
    expect(swept.gone).toBe(1);
    const rows = new Map((await machinesForRun(db.pool, done.id)).map((m) => [m.machineId, m]));
    expect(rows.get(watched)!.destroyedAt).toBeNull();
    expect(rows.get(unwatched)!.endKind).toBe('swept');
    expect(rows.get('gone0000000001')!.endKind).toBe('gone');
    expect(fake.machines.get(watched)!.state).toBe('started');
  });
});
