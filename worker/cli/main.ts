/**
 * `npm run cli -- bench run|status|items …` (usage: args.ts). With an API URL and a token it is a client of that
 * Bench's API; without one it works on the database directly (direct.ts). Exit status: 0 done, 1 the run did not
 * succeed or the request was refused (the reason on stderr), 2 bad usage or configuration.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { destination, pino } from 'pino';
import { ConfigError, loadConfig } from '../../src/config.js';
import { parseCommand, UsageError, USAGE, type Command } from './args.js';
import { RefusedError, type Backend, type RunView } from './backend.js';
import { isDone, progressReporter, resultOf, summaryText } from './output.js';

/** How often a waiting CLI asks for its runs' progress. */
const POLL_MS = 500;

const say = (line: string) => void process.stderr.write(`${line}\n`);
let interrupted = false;

async function waitForRuns(backend: Backend, ids: string[]): Promise<RunView[]> {
  const progress = progressReporter(process.stderr);
  try {
    for (;;) {
      const views = await Promise.all(ids.map((id) => backend.summary(id)));
      progress.update(views);
      if (views.every(isDone) || interrupted) return views;
      for (const v of views) if (!isDone(v)) await backend.drive?.(v, say);
      await sleep(POLL_MS);
    }
  } finally {
    progress.end();
  }
}

async function runCommand(backend: Backend, cmd: Extract<Command, { command: 'run' }>): Promise<number> {
  const created = await backend.create(cmd.input);
  say(`created ${created.runs.map((r) => `run ${r.id} (${r.model})`).join(', ')} with seed ${created.seed}`);
  if (!cmd.wait) {
    const runs = created.runs.map((r) => ({ id: r.id, status: 'queued', model: r.model, seed: created.seed, estimate: r.estimate }));
    if (cmd.json) console.log(JSON.stringify(runs.length === 1 ? runs[0] : { groupId: created.groupId, seed: created.seed, runs }));
    else for (const r of runs) console.log(`run ${r.id} queued: bench status ${r.id}`);
    return 0;
  }
  const views = await waitForRuns(backend, created.runs.map((r) => r.id));
  if (interrupted) {
    say(`stopped waiting: ${views.map((v) => `run ${v.id}`).join(', ')} ${cmd.apiUrl ? 'continues on the server' : 'is back in the queue'}; see bench status <id>`);
    return 130;
  }
  for (const v of views) console.log(summaryText(v));
  if (cmd.json) {
    const results = views.map(resultOf);
    const status = views.find((v) => v.status !== 'succeeded')?.status ?? 'succeeded';
    console.log(JSON.stringify(results.length === 1 ? results[0] : { groupId: created.groupId, seed: created.seed, status, runs: results }));
  }
  return views.every((v) => v.status === 'succeeded') ? 0 : 1;
}

async function execute(backend: Backend, cmd: Exclude<Command, { command: 'help' }>): Promise<number> {
  if (cmd.command === 'run') return runCommand(backend, cmd);
  if (cmd.command === 'items') {
    await backend.items(cmd.id, (text) => void process.stdout.write(text));
    return 0;
  }
  const view = await backend.summary(cmd.id);
  console.log(cmd.json ? JSON.stringify(resultOf(view)) : `${summaryText(view)}\n  progress ${view.progress.done}/${view.progress.total}`);
  return 0;
}

async function backendFor(cmd: Exclude<Command, { command: 'help' }>): Promise<Backend> {
  const config = loadConfig();
  const apiUrl = cmd.apiUrl ?? config.cli.apiUrl;
  const token = cmd.token ?? config.cli.apiToken;
  const log = pino({ name: 'cli', level: cmd.verbose ? 'info' : 'warn' }, destination({ dest: 2, sync: true }));
  // Imported when needed: a usage error or API mode never loads the database, LLM and worker modules.
  if (!apiUrl) return (await import('./direct.js')).directBackend(config, log);
  if (!URL.canParse(apiUrl) || !/^https?:$/.test(new URL(apiUrl).protocol)) throw new UsageError(`--api-url must be an http(s) URL (got "${apiUrl}")`);
  if (!token) throw new UsageError('API mode needs a personal API token: --token or BENCH_API_TOKEN (create one on your account page).');
  return (await import('./api-client.js')).apiBackend(apiUrl, token);
}

async function main(argv: string[]): Promise<number> {
  let backend: Backend | undefined;
  try {
    const cmd = parseCommand(argv);
    if (cmd.command === 'help') {
      console.log(USAGE);
      return 0;
    }
    backend = await backendFor(cmd);
    process.once('SIGINT', () => {
      interrupted = true;
      backend?.stop?.();
    });
    return await execute(backend, cmd);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) return say(`bench: ${err.message}`), 2;
    if (err instanceof RefusedError) return say(`bench: ${err.message}`), 1;
    throw err;
  } finally {
    await backend?.close();
  }
}

main(process.argv.slice(2)).then(
  // Exit explicitly once stdout has drained: the LLM clients' keep-alive sockets would otherwise hold the process open.
  (code) => process.stdout.write('', () => process.exit(code)),
  (err) => {
    say(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
