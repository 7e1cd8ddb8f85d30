// Profiling aid, loaded into worker processes by profile-ours.ts (PROFILE_QUERIES=1) through `node --import`: times
// every pg query by its first words, and prints a summary, event-loop use per 250 ms and how busy the claim and
// completion statements kept their connections, on exit. Not used by bench:queue.
import pg from 'pg';
import { performance } from 'node:perf_hooks';
const stats = new Map();
const orig = pg.Client.prototype.query;
const spans = [];
const record = (key, t0, res) => {
  if (key.startsWith('WITH next') || key.startsWith('WITH done') || key.startsWith('WITH input')) spans.push([key.slice(5, 9), t0, performance.now(), res?.rowCount ?? 0]);
  const s = stats.get(key) ?? { n: 0, ms: 0, rows: 0, max: 0 };
  const d = performance.now() - t0;
  s.n++; s.ms += d; s.rows += res?.rowCount ?? 0; s.max = Math.max(s.max, d);
  stats.set(key, s);
};
pg.Client.prototype.query = function (cfg, values, cb) {
  const text = typeof cfg === 'string' ? cfg : cfg?.text ?? '';
  const key = text.replace(/\s+/g, ' ').slice(0, 30);
  const t0 = performance.now();
  if (typeof values === 'function') { const f = values; values = (e, r) => { record(key, t0, r); f(e, r); }; }
  else if (typeof cb === 'function') { const f = cb; cb = (e, r) => { record(key, t0, r); f(e, r); }; }
  const r = orig.call(this, cfg, values, cb);
  if (r && typeof r.then === 'function') r.then((res) => record(key, t0, res), () => {});
  return r;
};
const elu = [];
let last = performance.eventLoopUtilization();
setInterval(() => { const now = performance.eventLoopUtilization(); const d = performance.eventLoopUtilization(now, last); last = now; if (d.utilization > 0.05) elu.push(d.utilization.toFixed(2)); }, 250).unref();
process.on('exit', () => {
  const active = spans.filter((x) => x[3] > 0);
  if (active.length) {
    const t0 = Math.min(...active.map((x) => x[1])), t1 = Math.max(...active.map((x) => x[2]));
    for (const kind of ['next', 'done', 'inpu']) {
      const k = active.filter((x) => x[0] === kind);
      if (k.length) process.stderr.write(`  busy ${kind}: ${(k.reduce((a, x) => a + x[2] - x[1], 0) / (t1 - t0) * 100).toFixed(0)}% of ${(t1 - t0).toFixed(0)} ms, n=${k.length}\n`);
    }
    const gaps = []; const cl = active.filter((x) => x[0] === 'next');
    for (let i = 1; i < cl.length; i++) gaps.push(cl[i][1] - cl[i - 1][2]);
    if (gaps.length) process.stderr.write(`  claim gaps (end -> next start) avg ${(gaps.reduce((a, b) => a + b, 0) / gaps.length).toFixed(2)} ms\n`);
  }
  const lines = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8).map(([k, s]) => `  ${k.padEnd(30)} n=${s.n} avg=${(s.ms / s.n).toFixed(2)}ms max=${s.max.toFixed(1)} rows/q=${(s.rows / s.n).toFixed(0)}`);
  process.stderr.write(`[pid ${process.pid}] ELU ${elu.join(' ')}\n${lines.join('\n')}\n`);
});
