// GitHub CI and .ci/run must be the README's test command and nothing else, on every Node the project supports,
// so a green CI means a new user's `npm ci && npm test` passes too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('.ci/run is exactly the README\'s test command', () => {
    const readmeCommand = /## Test it\s+```sh\n([^\n]+)\n```/.exec(read('README.md'))?.[1];
    expect(readmeCommand).toBe('npm ci && npm test');
    expect(commands(read('.ci/run')).map((c) => c.replace(/ --no-audit --no-fund$/, ''))).toEqual(readmeCommand!.split(' && '));
  });
});
