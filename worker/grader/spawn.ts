// How a grader child is started: paths, Node permission flags, the network
// namespace, and the empty environment.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildConfig } from './protocol.js';

export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  info: (msg, extra) => console.log(`[grader] ${msg}`, extra ?? ''),
  warn: (msg, extra) => console.warn(`[grader] ${msg}`, extra ?? ''),
};

export interface GraderPaths {
  childJs: string;
  childDir: string;
  /** The repo's package.json: Node reads it to learn that child.js is ESM. */
  packageJson: string;
  harnessPath: string;
  pyodideDir: string;
}

/** Locations relative to this compiled file: dist/worker/grader/*.js. */
export function resolvePaths(): GraderPaths {
  const childDir = dirname(fileURLToPath(import.meta.url));
  const root = resolve(childDir, '..', '..', '..');
  const require = createRequire(import.meta.url);
  return {
    childJs: join(childDir, 'child.js'),
    childDir,
    packageJson: join(root, 'package.json'),
    harnessPath: join(root, 'src', 'practice', 'harness', 'runner.py'),
    pyodideDir: dirname(require.resolve('pyodide/package.json')),
  };
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

/**
 * Node's permission model: read access to exactly the child's code, the
 * harness, Pyodide's files and (optionally) the snapshot; no fs writes, no
 * child processes, no worker threads, no native addons.
 */
export function permissionFlags(readPaths: string[]): string[] {
  // Node 20.20 and 22+ both take one --allow-fs-read per path (the old
  // comma-separated form is gone); only the switch's name differs.
  const enable = nodeMajor >= 22 ? '--permission' : '--experimental-permission';
  return [enable, ...readPaths.map((p) => `--allow-fs-read=${p}`)];
}

const UNSHARE_CANDIDATES = ['/usr/bin/unshare', '/bin/unshare'];

/**
 * Path of an `unshare` that can create a network namespace here, or undefined.
 * Needs root or unprivileged user namespaces; many PaaS VMs have neither.
 */
let unshareProbe: { bin: string | undefined } | undefined;
export function detectUnshare(): string | undefined {
  unshareProbe ??= { bin: probeUnshare() };
  return unshareProbe.bin;
}
function probeUnshare(): string | undefined {
  for (const bin of UNSHARE_CANDIDATES) {
    if (!existsSync(bin)) continue;
    const r = spawnSync(bin, ['-n', '--', '/bin/true'], { env: {}, stdio: 'ignore', timeout: 5000 });
    if (r.status === 0) return bin;
  }
  return undefined;
}

export interface SpawnOptions {
  paths: GraderPaths;
  unshare?: string;
  snapshotPath?: string;
  makeSnapshot?: boolean;
  /** V8 old-space cap for the child's JS heap (Python's heap is wasm memory, not this). */
  maxOldSpaceMb?: number;
}

export function spawnGraderChild(opts: SpawnOptions): ChildProcess {
  const { paths } = opts;
  const readPaths = [paths.childDir, paths.packageJson, paths.harnessPath, paths.pyodideDir];
  if (opts.snapshotPath) readPaths.push(opts.snapshotPath);
  const config: ChildConfig = {
    pyodideDir: paths.pyodideDir,
    harnessPath: paths.harnessPath,
    ...(opts.snapshotPath ? { snapshotPath: opts.snapshotPath } : {}),
    ...(opts.makeSnapshot ? { makeSnapshot: true } : {}),
  };
  const nodeArgs = [
    ...permissionFlags(readPaths),
    // Makes eval/new Function throw: a JsProxy that leaks to Python cannot be
    // turned into `Function('return process')()`. Pyodide itself doesn't need it.
    '--disallow-code-generation-from-strings',
    `--max-old-space-size=${opts.maxOldSpaceMb ?? 128}`,
    '--no-warnings',
    paths.childJs,
    JSON.stringify(config),
  ];
  const [cmd, args] = opts.unshare
    ? [opts.unshare, ['-n', '--', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  return spawn(cmd, args, {
    // Empty environment: no secrets, no PATH, no NODE_OPTIONS to smuggle flags in.
    env: {},
    cwd: paths.childDir,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    detached: false,
  });
}
