// GitHub CI and .ci/run must run the README's test command first, on every Node the project supports, so a green CI
// means a new user's `npm ci && npm test` passes too; the docs build comes after it and never decides the suite.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Step { uses?: string; run?: string; with?: Record<string, unknown> }
interface Job { 'runs-on': string; strategy?: { matrix?: { node?: unknown[] } }; steps: Step[] }
interface Workflow { on: Record<string, unknown>; jobs: Record<string, Job> }

/** The commands of a shell script, without comments, blank lines and the preamble (set, cd). */
function commands(script: string): string[] {
  return script.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !/^(set|cd) /.test(l));
}

describe('CI', () => {
  const workflow = parse(read('.github/workflows/ci.yml')) as Workflow;
  const jobs = Object.values(workflow.jobs);

  it('runs on pushes to main and on pull requests', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  });

  it('runs .ci/run and the type-check on Node 20 and 22, and installs nothing else', () => {
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.strategy?.matrix?.node).toEqual([20, 22]);
    const setupNode = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with?.['node-version']).toBe('${{ matrix.node }}');
    expect(job.steps.filter((s) => s.run).map((s) => s.run!.trim())).toEqual(['bash .ci/run', 'npm run lint']);
  });

  it('.ci/run is the README\'s test command first, then the docs build', () => {
    const readmeCommand = /## Test it\s+```sh\n([^\n]+)\n```/.exec(read('README.md'))?.[1];
    expect(readmeCommand).toBe('npm ci && npm test');
    expect(commands(read('.ci/run')).map((c) => c.replace(/ --no-audit --no-fund$/, ''))).toEqual([
      ...readmeCommand!.split(' && '),
      'bash scripts/docs-build.sh',
    ]);
  });
});

describe('scripts/docs-build.sh', () => {
  const script = join(root, 'scripts', 'docs-build.sh');
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'docs-build-'));
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const run = (path: string) => spawnSync('/bin/bash', [script], { encoding: 'utf8', env: { PATH: path } });

  it('without mkdocs or apt-get, says in one line that the docs build was skipped and why, and exits 0', () => {
    const p = run(bin);
    expect(p.status).toBe(0);
    expect(p.stdout.trim().split('\n')).toEqual([
      'docs: mkdocs build --strict skipped: mkdocs is not installed and there is no apt-get (test/unit/docs-nav.test.ts still checks the nav and links)',
    ]);
  });

  it('runs `mkdocs build --strict` into a temporary folder, and fails when mkdocs fails', () => {
    // A stand-in mkdocs first on PATH (the real one may be absent): it records its arguments and fails like a
    // strict build with a warning does.
    const log = join(bin, 'args');
    writeFileSync(join(bin, 'mkdocs'), `#!/bin/sh\necho "$@" >> '${log}'\n[ "$1" = --version ] && exit 0\nexit 1\n`);
    chmodSync(join(bin, 'mkdocs'), 0o755);
    const p = run(`${bin}:/usr/bin:/bin`);
    expect(p.status).toBe(1);
    const [version, build] = readFileSync(log, 'utf8').trim().split('\n');
    expect(version).toBe('--version');
    expect(build).toMatch(/^build --strict --site-dir \/\S+$/);
  });
});
