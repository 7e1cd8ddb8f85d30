// HTTP benchmark: the signed-in /problems list and a problem page, served by the real app over a real Postgres,
// against a bare Fastify route returning the same bytes. Run: npm run bench:http (builds first).
// Prints a table, then one JSON line: {"page":{"rps":..,"p99_ms":..},"bare":{"rps":..,"p99_ms":..}}, where "page"
// is the mix of both pages (alternating requests) and "bare" serves their bodies alternately. Floor: page >= half bare,
// checked for each page against its own bytes and for the mix.
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadAppSecrets } from '../../src/auth/secrets.js';
import { loadConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { loadBank } from '../../src/practice/bank.js';
import { syncBank } from '../../src/practice/bank-sync.js';
import { signIn } from '../helpers/auth.js';
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
}

/**
 * The server side, in its own process so the load generator does not share its event loop: Postgres, the real
 * app with the bank synced and a signed-in user with some history, and the bare Fastify twin serving the bodies.
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
  const pool = createPool(u.toString(), { max: 10 });
  await migrate(pool);
  await syncBank(pool, loadBank());
  // NODE_ENV test, not production: the benchmark signs in with the local key, which production refuses.
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1', DATABASE_URL: u.toString() });
  const app = await buildApp({ config, pool, secrets: await loadAppSecrets(pool), logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const user = await signIn(app, { pool });
  // Some history, so the list shows real per-user state rather than an empty account.
  for (const [path, body] of [['/problems/expected-max-two-dice/submit', 'answer=4.47'], [`/problems/${PROBLEM}/draft`, 'code=x%3D1']] as const) {
    await app.inject({ method: 'POST', url: path, payload: body, headers: { ...user.headers, 'content-type': 'application/x-www-form-urlencoded' } });
  }
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
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

  const served: Served = { appUrl, bareUrl, cookie: user.cookie, source: server.source, bytes: bodies.map((b) => b.length) };
  process.send!(served);
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  await app.close();
  await bare.close();
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  await server.stop();
  process.exit(0);
}

/** Resident and peak resident memory of a process, from /proc (Linux), in MB. */
function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: [...process.execArgv, ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [])], stdio: 'inherit' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const s = await new Promise<Served>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Served));
      child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    });
    const headers = { cookie: s.cookie };
    const idle = memoryOf(child.pid);
    if (process.env.BENCH_ONLY_PAGE) {
      // Profiling aid: load only the app, so a CPU profile of the server shows nothing else.
      console.log(JSON.stringify({ page: await measure(s.appUrl, ['/problems', `/problems/${PROBLEM}`], headers) }));
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

    console.log(`node ${process.version}, ${cpus().length} CPUs, ${CONNECTIONS} connections, ${DURATION_S} s per row, server in its own process, Postgres: ${s.source}`);
    console.log(`bodies: /problems ${s.bytes[0]} B, /problems/${PROBLEM} ${s.bytes[1]} B`);
    console.log('route                          | req/s   | p99 ms');
    console.log('-------------------------------|---------|-------');
    for (const [name, r] of rows) console.log(`${name.padEnd(31)}| ${String(r.rps).padEnd(8)}| ${r.p99_ms}`);
    // The server process holds the app and the bare twin (Postgres runs apart): an upper bound for the web process.
    const loaded = memoryOf(child.pid);
    if (idle && loaded) console.log(`server process RSS: ${idle.rssMb} MB idle before load, ${loaded.peakMb} MB peak under load`);
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
