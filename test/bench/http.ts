// HTTP benchmark: the signed-in /problems list and a problem page, served by the real web process (fly.toml's web
// command) over a real Postgres, against a bare Fastify route returning the same bytes, with the worker process
// running beside it. Run: npm run bench:http (builds first). Also prints the RSS of the web and worker processes at
// idle and under the load (docs/performance.md, "Sizing for Fly").
// Prints a table, then one JSON line: {"page":{"rps":..,"p99_ms":..},"bare":{"rps":..,"p99_ms":..}}, where "page"
// is the mix of both pages (alternating requests) and "bare" serves their bodies alternately. Floor: page >= half bare,
// checked for each page against its own bytes and for the mix.
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ACCESS_COOKIE } from '../../src/auth/cookies.js';
import { upsertUser } from '../../src/auth/queries.js';
import { loadAppSecrets } from '../../src/auth/secrets.js';
import { signLocalToken } from '../../src/auth/tokens.js';
import { migrate } from '../../src/db/migrate.js';
import { projectRoot } from '../../src/paths.js';
import { createPool } from '../../src/db/pool.js';
import { freePort, spawnNode, type NodeChild } from '../helpers/child.js';
import { startTestPostgres } from '../helpers/postgres-server.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 10;
const PROBLEM = 'stable-softmax';

interface Result {
  rps: number;
  p99_ms: number;
}

async function measure(url: string, paths: string[], headers: Record<string, string>): Promise<Result> {
  const run = (duration: number) =>
    autocannon({ url, connections: CONNECTIONS, duration, headers, requests: paths.map((path) => ({ method: 'GET', path })) });
  await run(2); // warm-up: JIT, template cache, pool connections
  const r = await run(DURATION_S);
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}${paths.join(',')}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: Math.round(r.requests.average), p99_ms: r.latency.p99 };
}

interface Served {
  appUrl: string;
  bareUrl: string;
  cookie: string;
  source: string;
  bytes: number[];
  /** The real web and worker processes, measured for memory by the benchmark's process. */
  pids: { web: number; worker: number };
}

/**
 * The two processes as fly.toml runs them: its [processes] commands and its NODE_OPTIONS (the heap cap for 512 MB),
 * against the benchmark's database. NODE_ENV stays development: the benchmark signs in with the local key, which
 * production refuses; logging is at warn, as no page logs above info. The worker's readiness is its warm grader
 * pool, so its idle figure comes with the pool's child.
 */
async function startProcesses(databaseUrl: string): Promise<{ web: NodeChild; worker: NodeChild; appUrl: string }> {
  const fly = parseToml(readFileSync(join(projectRoot, 'fly.toml'), 'utf8')) as { processes: Record<'web' | 'worker', string>; env: { NODE_OPTIONS: string } };
  const argsOf = (command: string) => command.split(' ').slice(1); // "node --import ... dist/src/server.js"
  const port = await freePort();
  const env = { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', NODE_OPTIONS: fly.env.NODE_OPTIONS };
  // BENCH_PROFILE_DIR: a CPU profile of the web process, written when it stops.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const web = spawnNode([...profile, ...argsOf(fly.processes.web)], { env });
  const worker = spawnNode(argsOf(fly.processes.worker), { env: { ...env, LOG_LEVEL: 'info' } });
  const appUrl = `http://127.0.0.1:${port}`;
  // The web process logs nothing at warn once listening: its liveness answer is the event it is up.
  for (;;) {
    const up = await fetch(`${appUrl}/__health`).then((r) => r.ok, () => false);
    if (up) break;
    await Promise.race([web.exited.then((c) => Promise.reject(new Error(`web exited with ${c}:\n${web.output()}`))), delay(100)]);
  }
  await worker.printed('grader pool warm');
  return { web, worker, appUrl };
}

/** Signs a user in over HTTP as `Sign in locally` would: a local token, then the CSRF cookie from a page. */
async function signInOver(appUrl: string, pool: pg.Pool): Promise<{ cookie: string; csrf: string }> {
  const id = randomUUID();
  const email = `bench-${id.slice(0, 8)}@example.com`;
  await upsertUser(pool, { id, email, displayName: 'Bench user' });
  const token = await signLocalToken((await loadAppSecrets(pool)).localKey, { sub: id, email, name: 'Bench user' });
  const res = await fetch(`${appUrl}/`, { headers: { cookie: `${ACCESS_COOKIE}=${token}` } });
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await res.text())?.[1];
  const csrfCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => /^(__Host-)?bench_csrf=/.test(c));
  if (!csrf || !csrfCookie) throw new Error('no CSRF token on the home page');
  return { cookie: `${ACCESS_COOKIE}=${token}; ${csrfCookie}`, csrf };
}

/**
 * The server side, apart from the load generator: Postgres, the real web process (the app, with the bank synced)
 * and worker process, a signed-in user with some history, and in this process the bare Fastify twin serving the
 * same bodies, so the web process's memory is its own.
 */
async function serve(): Promise<void> {
  const server = await startTestPostgres();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  const dbName = `bench_http_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(server.adminUrl);
  u.pathname = `/${dbName}`;
  const pool = createPool(u.toString(), { max: 2 });
  await migrate(pool);
  const { web, worker, appUrl } = await startProcesses(u.toString());
  const user = await signInOver(appUrl, pool);
  // Some history, so the list shows real per-user state rather than an empty account.
  for (const [path, body] of [['/problems/expected-max-two-dice/submit', 'answer=4.47'], [`/problems/${PROBLEM}/draft`, 'code=x%3D1']] as const) {
    const res = await fetch(appUrl + path, {
      method: 'POST',
      body,
      redirect: 'manual',
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.status >= 400) throw new Error(`${path}: ${res.status}`);
  }
  const bodies = await Promise.all(
    ['/problems', `/problems/${PROBLEM}`].map(async (p) => {
      const res = await fetch(appUrl + p, { headers: { cookie: user.cookie } });
      if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    }),
  );
  const bare = Fastify({ logger: false });
  bare.get('/list', async (_req, reply) => reply.type('text/html; charset=utf-8').send(bodies[0]));
  bare.get('/problem', async (_req, reply) => reply.type('text/html; charset=utf-8').send(bodies[1]));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

  const pids = { web: web.proc.pid!, worker: worker.proc.pid! };
  const served: Served = { appUrl, bareUrl, cookie: user.cookie, source: server.source, bytes: bodies.map((b) => b.length), pids };
  process.send!(served);
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  await Promise.all([web.stop(), worker.stop()]);
  await bare.close();
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await server.stop();
  process.exit(0);
}

/** Resident memory of a process in MB, from /proc (Linux); null elsewhere or once it has gone. */
function rssOf(pid: number): number | null {
  try {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isNaN(kb) ? null : Math.round(kb / 1024);
  } catch {
    return null;
  }
}

/** A process's direct children (the worker's grader processes). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * RSS of the web process, the worker and its grader children: once at idle, then the largest value seen while the
 * load runs (sampled every 200 ms; VmHWM would report the start-up peak instead).
 */
function memorySampler(pids: { web: number; worker: number }) {
  const sample = () => ({
    web: rssOf(pids.web),
    worker: rssOf(pids.worker),
    graders: childrenOf(pids.worker).map(rssOf).filter((m): m is number => m !== null),
  });
  const idle = sample();
  const peak = { web: 0, worker: 0, grader: 0 };
  const timer = setInterval(() => {
    const m = sample();
    peak.web = Math.max(peak.web, m.web ?? 0);
    peak.worker = Math.max(peak.worker, m.worker ?? 0);
    peak.grader = Math.max(peak.grader, ...m.graders, 0);
  }, 200);
  return {
    report(): string {
      clearInterval(timer);
      if (idle.web === null) return 'process RSS: not measured (no /proc here)';
      const g = idle.graders.length ? `${idle.graders.length} grader child(ren) ${idle.graders.join(' / ')} MB idle, ${peak.grader} MB under load` : 'no grader child';
      return `process RSS, idle -> largest under load: web ${idle.web} -> ${peak.web} MB; worker ${idle.worker} -> ${peak.worker} MB; ${g}`;
    },
  };
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const s = await new Promise<Served>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Served));
      child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    });
    const headers = { cookie: s.cookie };
    const memory = memorySampler(s.pids);
    if (process.env.BENCH_ONLY_PAGE) {
      // Profiling aid: load only the app, so a CPU profile of the server shows nothing else.
      console.log(JSON.stringify({ page: await measure(s.appUrl, ['/problems', `/problems/${PROBLEM}`], headers) }));
      console.log(memory.report());
      return;
    }
    const rows: [string, Result][] = [];
    rows.push(['/problems', await measure(s.appUrl, ['/problems'], headers)]);
    rows.push(['bare (same bytes)', await measure(s.bareUrl, ['/list'], {})]);
    rows.push([`/problems/${PROBLEM}`, await measure(s.appUrl, [`/problems/${PROBLEM}`], headers)]);
    rows.push(['bare (same bytes)', await measure(s.bareUrl, ['/problem'], {})]);
    const page = await measure(s.appUrl, ['/problems', `/problems/${PROBLEM}`], headers);
    const bareMix = await measure(s.bareUrl, ['/list', '/problem'], {});
    rows.push(['both pages, alternating', page], ['bare, alternating', bareMix]);

    console.log(`node ${process.version}, ${cpus().length} CPUs, ${CONNECTIONS} connections, ${DURATION_S} s per row, web and worker processes as fly.toml runs them (its commands and NODE_OPTIONS), Postgres: ${s.source}`);
    console.log(`bodies: /problems ${s.bytes[0]} B, /problems/${PROBLEM} ${s.bytes[1]} B`);
    console.log('route                          | req/s   | p99 ms');
    console.log('-------------------------------|---------|-------');
    for (const [name, r] of rows) console.log(`${name.padEnd(31)}| ${String(r.rps).padEnd(8)}| ${r.p99_ms}`);
    console.log(memory.report());
    // The floor holds for each page against its own bytes, not only for the mix the JSON line reports.
    const pairs: [string, Result, Result][] = [
      ['/problems', rows[0]![1], rows[1]![1]],
      [`/problems/${PROBLEM}`, rows[2]![1], rows[3]![1]],
      ['alternating', page, bareMix],
    ];
    let met = true;
    for (const [name, app, bare] of pairs) {
      const ok = app.rps >= bare.rps / 2;
      met &&= ok;
      console.log(`floor, ${name}: ${app.rps} >= half of ${bare.rps} (${(app.rps / bare.rps).toFixed(2)}x): ${ok ? 'met' : 'NOT met'}`);
    }
    console.log(JSON.stringify({ page, bare: bareMix }));
    if (!met) process.exitCode = 1;
  } finally {
    child.send('stop');
    await exited;
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
