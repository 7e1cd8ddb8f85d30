/**
 * fly.toml and the Dockerfile keep the promises docs/deploy.md makes. fly.toml is read with a TOML parser, as
 * flyctl reads it; the Dockerfile is a list of instructions, read line by line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { projectRoot } from '../../src/paths.js';

const read = (f: string) => readFileSync(join(projectRoot, f), 'utf8');
const fly = parse(read('fly.toml')) as any;
const defaults = loadConfig({});

describe('fly.toml', () => {
  it('runs web and worker from the one image, each with node and the Sentry instrument file first', () => {
    expect(Object.keys(fly.processes).sort()).toEqual(['web', 'worker']);
    expect(fly.processes.web).toBe('node --import ./dist/src/observability/instrument.js dist/src/server.js');
    expect(fly.processes.worker).toBe('node --import ./dist/src/observability/instrument.js dist/worker/main.js');
  });

  it('binds the http service to web only, forces https, limits requests, and auto-stops web alone', () => {
    const http = fly.http_service;
    expect(http.processes).toEqual(['web']);
    expect(http.internal_port).toBe(Number(fly.env.PORT));
    expect(http.force_https).toBe(true);
    expect(http.concurrency.type).toBe('requests');
    expect(http.concurrency.soft_limit).toBeGreaterThan(0);
    expect(http.concurrency.hard_limit).toBeGreaterThan(http.concurrency.soft_limit);
    expect(http.auto_stop_machines).toBe('stop');
    expect(http.auto_start_machines).toBe(true);
    // The worker is in no service, so nothing auto-stops it (and nothing could wake it).
    expect(JSON.stringify(fly.services ?? [])).not.toContain('worker');
  });

  it('runs the migrations as the release command, with the entry point that exits non-zero on failure', () => {
    expect(fly.deploy.release_command).toBe('node dist/src/db/migrate-cli.js');
    expect(readFileSync(join(projectRoot, 'src/db/migrate-cli.ts'), 'utf8')).toContain('process.exitCode = await main()');
  });

  it('stops with SIGTERM and waits longer than the worker drain', () => {
    expect(fly.kill_signal).toBe('SIGTERM');
    expect(fly.kill_timeout * 1000).toBeGreaterThan(defaults.worker.shutdownGraceMs + 1000);
  });

  it('sizes for a 512 MB shared-cpu-1x: swap and a heap cap under the VM', () => {
    expect(fly.vm).toEqual([{ size: 'shared-cpu-1x', memory: '512mb' }]);
    expect(fly.swap_size_mb).toBeGreaterThan(0);
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(fly.env.NODE_OPTIONS)?.[1]);
    expect(heapMb).toBeGreaterThan(0);
    expect(heapMb).toBeLessThan(512);
  });

  it('checks /__health/deep over "https" (Fly checks do not follow redirects)', () => {
    const [check] = fly.http_service.checks;
    expect(check).toMatchObject({ method: 'GET', path: '/__health/deep', headers: { 'X-Forwarded-Proto': 'https' } });
  });

  it("checks the worker's own health endpoint, scoped to the worker group", () => {
    const checks = Object.values(fly.checks) as Record<string, unknown>[];
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ type: 'http', path: '/__health', processes: ['worker'], port: Number(fly.env.WORKER_HEALTH_PORT) });
  });

  it('runs production config: NODE_ENV and a prod Sentry environment, and no secret in the file', () => {
    expect(fly.env.NODE_ENV).toBe('production');
    expect(fly.env.SENTRY_ENVIRONMENT).toBe('prod');
    for (const secret of ['DATABASE_URL', 'ANTHROPIC_API_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SENTRY_DSN', 'RESEND_API_KEY']) {
      expect(Object.keys(fly.env)).not.toContain(secret);
    }
    expect(fly.app).toBe('your-fly-app');
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = lines.filter((l) => l.startsWith('FROM '));
  const runtime = lines.slice(lines.lastIndexOf(stages.at(-1)!));

  it('is multi-stage on a Node LTS slim image', () => {
    expect(stages).toHaveLength(2);
    for (const s of stages) expect(s).toMatch(/^FROM node:(20|22|24)-\w+-slim\b/);
  });

  it('builds with npm ci and prunes to production dependencies', () => {
    expect(lines).toContainEqual(expect.stringMatching(/^RUN npm ci\b/));
    expect(lines).toContainEqual(expect.stringMatching(/npm prune --omit=dev/));
  });

  it('runs as the node user, with node itself as the command (never npm start)', () => {
    expect(runtime).toContain('USER node');
    const cmd = JSON.parse(runtime.find((l) => l.startsWith('CMD '))!.slice(4)) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.slice(1)).toEqual(fly.processes.web.split(' ').slice(1));
  });

  it('bakes the git sha in for provenance and Sentry releases', () => {
    expect(runtime).toContain('ARG GIT_SHA=unknown');
    expect(runtime.find((l) => l.startsWith('ENV '))).toContain('GIT_SHA=${GIT_SHA}');
  });

  it('copies only build output and run-time files into the runtime stage (no tests, no .data)', () => {
    const copied = runtime.filter((l) => l.startsWith('COPY ')).map((l) => l.split(/\s+/).at(-2)!);
    for (const path of copied) expect(path).not.toMatch(/^\/app\/(test|\.data|src\/?$)|^\.$/);
  });

  it('.dockerignore keeps local state, tests and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['.data', 'node_modules', 'dist', 'test', '.env', '.git']) expect(ignored).toContain(entry);
  });
});
