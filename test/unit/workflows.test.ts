/**
 * The GitHub workflows, read with a YAML parser as Actions reads them: each runs on the events it should, every
 * action is pinned to a release (never a moving branch), and each names only the secrets it needs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: Record<string, Record<string, unknown> | null>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions?: Record<string, string>;
  jobs: Record<string, { if?: string; steps: Step[]; environment?: unknown }>;
}

const dir = join(projectRoot, '.github', 'workflows');
const text = (f: string) => readFileSync(join(dir, f), 'utf8');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const workflows = Object.fromEntries(files.map((f) => [f, parse(text(f)) as Workflow]));
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
const secretsNamed = (f: string) => [...new Set([...text(f).matchAll(/secrets\.(\w+)/g)].map((m) => m[1]))].sort();

describe('every workflow', () => {
  it('exists for each job the operator relies on', () => {
    for (const f of ['ci.yml', 'docker-smoke.yml', 'deploy.yml', 'docs.yml', 'labeler.yml', 'sync-labels.yml']) expect(files).toContain(f);
  });

  it('pins every action to a release tag or a commit, never a branch', () => {
    for (const [f, w] of Object.entries(workflows)) {
      for (const s of steps(w).filter((s) => s.uses)) {
        expect(s.uses, `${f}: ${s.uses}`).toMatch(/^[\w.-]+\/[\w./-]+@(v?\d+(\.\d+)*|[0-9a-f]{40})$/);
      }
    }
  });

  it('names only the secrets it needs: FLY_API_TOKEN, in deploy.yml alone', () => {
    for (const f of files) expect(secretsNamed(f), f).toEqual(f === 'deploy.yml' ? ['FLY_API_TOKEN'] : []);
  });
});

describe('deploy.yml', () => {
  const w = workflows['deploy.yml']!;
  it('runs after CI succeeds on a push to main, one deploy at a time', () => {
    const trigger = w.on.workflow_run as { workflows: string[]; types: string[]; branches: string[] };
    expect(Object.keys(w.on)).toEqual(['workflow_run']);
    // The name must be CI's own, or the deploy never fires.
    expect(trigger.workflows).toEqual([workflows['ci.yml']!.name]);
    expect(trigger).toMatchObject({ types: ['completed'], branches: ['main'] });
    expect(w.jobs.deploy!.if).toContain("github.event.workflow_run.conclusion == 'success'");
    expect(w.concurrency).toEqual({ group: 'deploy-production', 'cancel-in-progress': false });
  });

  it('sets up flyctl with the official action and deploys remotely with the token and the git sha', () => {
    const s = steps(w);
    expect(s.map((x) => x.uses).filter(Boolean)).toContain('superfly/flyctl-actions/setup-flyctl@1.5');
    const deploy = s.find((x) => x.run?.startsWith('flyctl deploy'))!;
    expect(deploy.run).toContain('--remote-only');
    expect(deploy.run).toContain('--build-arg GIT_SHA=${{ github.event.workflow_run.head_sha }}');
    expect(deploy.env).toEqual({ FLY_API_TOKEN: '${{ secrets.FLY_API_TOKEN }}' });
  });
});

describe('docker-smoke.yml', () => {
  const w = workflows['docker-smoke.yml']!;
  it('builds the image, migrates with the release command, and checks /__health/deep and a page', () => {
    expect(Object.keys(w.on).sort()).toEqual(['pull_request', 'push']);
    const runs = steps(w).map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/docker build/);
    expect(runs).toContain('node dist/src/db/migrate-cli.js');
    expect(runs).toContain('/__health/deep');
    expect(runs).toMatch(/curl -fsS http:\/\/127\.0\.0\.1:8080\/ /);
  });
});

describe('docs.yml', () => {
  const w = workflows['docs.yml']!;
  it('builds with mkdocs --strict and publishes to GitHub Pages from main', () => {
    expect((w.on.push as { branches: string[] }).branches).toEqual(['main']);
    expect(steps(w).map((s) => s.run ?? '')).toContain('mkdocs build --strict');
    // The distribution's package, like .ci/run (scripts/docs-build.sh), not a pip install of another version.
    expect(steps(w).map((s) => s.run ?? '').join('\n')).toMatch(/apt-get install -y --no-install-recommends mkdocs/);
    const uses = steps(w).map((s) => s.uses ?? '');
    expect(uses).toContain('actions/upload-pages-artifact@v3');
    expect(uses).toContain('actions/deploy-pages@v4');
    expect(w.permissions).toMatchObject({ pages: 'write', 'id-token': 'write' });
  });
});

describe('labels', () => {
  const labels = parse(readFileSync(join(projectRoot, '.github', 'labels.yml'), 'utf8')) as { name: string; color: string }[];
  const rules = parse(readFileSync(join(projectRoot, '.github', 'labeler.yml'), 'utf8')) as Record<string, { 'changed-files': { 'any-glob-to-any-file': string[] }[] }[]>;
  const owned = readFileSync(join(projectRoot, '.github', 'CODEOWNERS'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split(/\s+/)[0]!.replace(/^\//, ''));

  it('labeler and sync-labels run on the right events', () => {
    expect(Object.keys(workflows['labeler.yml']!.on)).toEqual(['pull_request_target']);
    expect(steps(workflows['labeler.yml']!).map((s) => s.uses)).toContain('actions/labeler@v5');
    expect((workflows['sync-labels.yml']!.on.push as { paths: string[] }).paths).toContain('.github/labels.yml');
  });

  it('every label the labeler applies is defined in labels.yml', () => {
    for (const name of Object.keys(rules)) expect(labels.map((l) => l.name)).toContain(name);
    for (const l of labels) expect(l.color).toMatch(/^[0-9a-f]{6}$/);
  });

  it('CODEOWNERS guards auth, access, the grading sandbox, prompts, migrations and deploy files', () => {
    for (const path of ['src/auth/', 'src/access/', 'worker/grader/', 'src/llm/prompts/', 'migrations/', 'Dockerfile', 'fly.toml', '.github/']) {
      expect(owned).toContain(path);
    }
  });

  it('human-only covers every CODEOWNERS path (a folder as folder/**)', () => {
    const globs = rules['human-only']!.flatMap((r) => r['changed-files'].flatMap((c) => c['any-glob-to-any-file']));
    expect(globs.sort()).toEqual(owned.map((p) => (p.endsWith('/') ? `${p}**` : p)).sort());
  });
});
