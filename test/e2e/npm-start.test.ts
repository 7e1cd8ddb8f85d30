/**
 * The first non-negotiable: `npm start` on a machine with only Node serves the app, one Ctrl-C stops web, worker and
 * Postgres with nothing left behind, and a second start reuses the data. Runs scripts/start.mjs as npm would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';
import { projectRoot } from '../../src/paths.js';
import { waitFor } from '../integration/runs/helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
// As root, Postgres runs as its own user and must be able to enter the folder mkdtemp made private.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  output: () => string;
  port: number;
}

async function start(): Promise<Started> {
  const port = await freePort();
  let out = '';
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', PORT: String(port), BENCH_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [join(projectRoot, 'scripts', 'start.mjs')], { cwd: projectRoot, env });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, port, output: () => out };
}

/** Waits for the app to answer 200 on / however long a busy machine takes; an early exit ends the wait at once. */
async function waitForOk(s: Started, what: string): Promise<void> {
  await waitFor(
    async () => {
      if (s.child.exitCode !== null) throw new Error(`npm start exited early:\n${s.output()}`);
      try {
        return (await fetch(`http://127.0.0.1:${s.port}/`)).status === 200;
      } catch {
        return false; // not listening yet
      }
    },
    { what, intervalMs: 250, detail: s.output },
  );
}

function pidsUsing(dir: string): number[] {
  // Every process whose command line or working files mention the data folder: Postgres and its children.
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(dir)) pids.push(Number(entry));
    } catch {
      // process ended while we looked
    }
  }
  return pids;
}

async function interruptAndWait(s: Started): Promise<number | null> {
  s.child.kill('SIGINT');
  return new Promise((resolve) => s.child.once('exit', (code) => resolve(code)));
}

describe('npm start', () => {
  it('serves the app, stops everything on one Ctrl-C, and reuses its data next time', async () => {
    const first = await start();
    await waitForOk(first, 'the first start to serve /');
    expect(first.output()).toMatch(/applied migration 0001_init\.sql/);
    const health = await fetch(`http://127.0.0.1:${first.port}/__health`);
    expect(health.status).toBe(200);
    expect(pidsUsing(dataDir).length).toBeGreaterThan(0);

    expect(await interruptAndWait(first)).toBe(0);
    // Postgres, web and worker are gone: nothing refers to the data folder, and the port is closed.
    expect(pidsUsing(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${first.port}/__health`)).rejects.toThrow();

    const second = await start();
    await waitForOk(second, 'the second start to serve /');
    expect(second.output()).toMatch(/database schema is up to date/);
    expect(second.output()).not.toMatch(/applied migration/);
    expect(await interruptAndWait(second)).toBe(0);
    expect(pidsUsing(dataDir)).toEqual([]);
  }, 240_000);
});
