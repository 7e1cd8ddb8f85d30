/**
 * The real web process, started as in production, must warn loudly when Supabase sign-in is on and no allowlist is
 * set (anyone with a GitHub account gets in), and stay quiet about it once an allowlist exists.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFailed } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
const server = join(projectRoot, 'dist', 'src', 'server.js');

interface LogLine {
  level: number;
  msg: string;
}

/** Starts the server, collects its JSON log until it is listening, then stops it with SIGTERM. */
function bootLogs(env: Record<string, string>): Promise<LogLine[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [server], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    });
    const lines: LogLine[] = [];
    let buffer = '';
    let stderr = '';
    // No budget of its own: a slow start on a busy machine is still a start. If the test times out, its failure
    // carries what the server said so far, and the server is stopped.
    onTestFailed(({ task }) => {
      child.kill('SIGKILL');
      for (const e of task.result?.errors ?? []) e.message += `\nserver output so far:\n${buffer}\n${stderr}`;
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      buffer += d;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const raw = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const line = JSON.parse(raw) as LogLine;
          lines.push(line);
          if (/Server listening/.test(line.msg)) child.kill('SIGTERM');
        } catch {
          // migration messages are plain text
        }
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve(lines));
  });
}

const WARN = 40;
const supabase = { SUPABASE_URL: 'https://project-ref.supabase.example', SUPABASE_ANON_KEY: 'anon-key' };

describe('start-up warnings', () => {
  it('warns that anyone with GitHub can sign in when Supabase is on and there is no allowlist', async () => {
    const logs = await bootLogs(supabase);
    const warning = logs.find((l) => l.level === WARN && /NO ALLOWLIST/.test(l.msg));
    expect(warning?.msg).toMatch(/ANYONE with a GitHub account can sign in/);
    expect(warning?.msg).toMatch(/LIS_ALLOWED_USER_IDS/);
  }, 120_000);

  it('does not when an allowlist is set, or when Supabase is off (local sign-in only)', async () => {
    for (const env of [{ ...supabase, LIS_ALLOWED_EMAILS: 'me@example.com' }, {}]) {
      const logs = await bootLogs(env);
      expect(logs.some((l) => /Server listening/.test(l.msg))).toBe(true);
      expect(logs.filter((l) => /NO ALLOWLIST/.test(l.msg))).toEqual([]);
    }
  }, 180_000);
});
