/**
 * The command line, parsed with node:util parseArgs (strict: an unknown option or a missing value is an error, not
 * ignored). `bench run` turns its options into the JSON body of POST /api/bench/runs, so the API (or, in direct
 * mode, the same createRuns) validates them with the form's zod schema; only what parseArgs cannot know is checked
 * here: that a number is a number.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export const USAGE = `Usage:
  npm run cli -- bench run --model <provider>/<model> [--model …] [options]
  npm run cli -- bench status <id> [--json]
  npm run cli -- bench items <id>            (one JSON line per item)

bench run options (the fields of /bench/new; docs/bench.md):
  --model <p/m>          repeatable: each model makes one run, same seed and items
  --dataset <name>       default bank
  --kind, --topic, --difficulty, --tag <v>   filters, repeatable or comma-separated
  --count <n> | --percent <p>                subset size (default: every matching item)
  --seed <s>             default: a fresh one, printed
  --samples <k>          samples per item (default 1)
  --temperature <t>      default 0
  --max-tokens <n>       max output tokens per call (default 1024)
  --concurrency <n>      item concurrency (default 4)
  --budget-usd <usd>, --budget-tokens <n>    the run's budget
  --exceed-max-cost      admins: allow an estimate above BENCH_MAX_RUN_COST_USD
  --wait                 wait for the run to end: progress on stderr, the summary on stdout
  --json                 print the result as one JSON line, last on stdout

Where: --api-url <url> (or BENCH_API_URL) with --token <t> (or BENCH_API_TOKEN) talks to that Bench's API;
without an API URL the CLI works on the configured database (DATABASE_URL, else the embedded one) and, with
--wait, runs the benchmark in this process when no worker is alive.
Exit status: 0 done (a waited run succeeded), 1 the run did not succeed or the request was refused, 2 bad usage.`;

const COMMON = {
  'api-url': { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const RUN_OPTIONS = {
  ...COMMON,
  model: { type: 'string', multiple: true },
  dataset: { type: 'string' },
  kind: { type: 'string', multiple: true },
  topic: { type: 'string', multiple: true },
  difficulty: { type: 'string', multiple: true },
  tag: { type: 'string', multiple: true },
  count: { type: 'string' },
  percent: { type: 'string' },
  seed: { type: 'string' },
  samples: { type: 'string' },
  temperature: { type: 'string' },
  'max-tokens': { type: 'string' },
  concurrency: { type: 'string' },
  'budget-usd': { type: 'string' },
  'budget-tokens': { type: 'string' },
  'exceed-max-cost': { type: 'boolean' },
  wait: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

/** The API's field for each numeric option, and the option for each field (to name it in an error). */
const NUMBERS: Record<string, string> = {
  count: 'count',
  percent: 'percent',
  samples: 'samples',
  temperature: 'temperature',
  'max-tokens': 'maxOutputTokens',
  concurrency: 'concurrency',
  'budget-usd': 'budgetUsd',
  'budget-tokens': 'budgetTokens',
};
const LISTS: Record<string, string> = { kind: 'kinds', topic: 'topics', difficulty: 'difficulties', tag: 'tags' };
const OPTION_OF: Record<string, string> = {
  ...Object.fromEntries(Object.entries({ ...NUMBERS, ...LISTS }).map(([opt, field]) => [field, opt])),
  models: 'model',
  exceedMaxCost: 'exceed-max-cost',
};

/** The command-line option behind an API field, for messages: `maxOutputTokens` -> `--max-tokens`. */
export const optionFor = (field: string): string => `--${OPTION_OF[field] ?? field}`;

interface Where {
  apiUrl: string | undefined;
  token: string | undefined;
  json: boolean;
  verbose: boolean;
}

export type Command =
  | ({ command: 'help' } & Partial<Where>)
  | ({ command: 'run'; input: Record<string, unknown>; wait: boolean } & Where)
  | ({ command: 'status' | 'items'; id: string } & Where);

function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs says e.g. "Unknown option '--cnt'": kept, with where to look.
    throw new UsageError(`${(err as Error).message.split('. ')[0]}. See --help.`);
  }
}

function number(opt: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${opt} must be a number (got "${raw}")`);
  return n;
}

function runInput(values: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { models: values.model ?? [] };
  if (values.dataset !== undefined) input.dataset = values.dataset;
  for (const [opt, field] of Object.entries(LISTS)) {
    const raw = (values[opt] as string[] | undefined) ?? [];
    input[field] = raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  }
  for (const [opt, field] of Object.entries(NUMBERS)) if (values[opt] !== undefined) input[field] = number(opt, values[opt] as string);
  if (values.seed !== undefined) input.seed = values.seed;
  if (values['exceed-max-cost']) input.exceedMaxCost = true;
  return input;
}

const whereOf = (v: Record<string, unknown>): Where => ({ apiUrl: v['api-url'] as string | undefined, token: v.token as string | undefined, json: Boolean(v.json), verbose: Boolean(v.verbose) });

export function parseCommand(argv: string[]): Command {
  const [area, sub, ...rest] = argv;
  if (area === undefined || area === '--help' || area === '-h' || area === 'help') return { command: 'help' };
  if (area !== 'bench') throw new UsageError(`Unknown command "${area}": the CLI has "bench run", "bench status" and "bench items". See --help.`);
  if (sub === 'run') {
    const { values, positionals } = parse(rest, RUN_OPTIONS);
    if (values.help) return { command: 'help' };
    if (positionals.length > 0) throw new UsageError(`bench run takes options only; unexpected "${positionals[0]}". See --help.`);
    if (!values.model?.length) throw new UsageError('bench run needs --model <provider>/<model> (e.g. --model offline/offline).');
    return { command: 'run', input: runInput(values), wait: Boolean(values.wait), ...whereOf(values) };
  }
  if (sub === 'status' || sub === 'items') {
    const { values, positionals } = parse(rest, COMMON);
    if (values.help) return { command: 'help' };
    const id = positionals[0];
    if (!id || positionals.length > 1 || !/^\d{1,18}$/.test(id)) throw new UsageError(`bench ${sub} takes one run id (the number shown by bench run). See --help.`);
    return { command: sub, id, ...whereOf(values) };
  }
  throw new UsageError(`Unknown command "bench ${sub ?? ''}": use bench run, bench status or bench items. See --help.`);
}
