// Build step shared by `npm start`, `npm test` and `npm run build`.
// tsc is incremental (dist/.tsbuildinfo), so a build with nothing changed costs about a second.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(cmd, args) {
  const r = spawnSync(process.execPath, [cmd, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(tsc, ['-p', 'tsconfig.json']);

// Browser bundles (editor, Pyodide runner) are built by scripts/build-client.mjs when it exists.
const client = join(root, 'scripts', 'build-client.mjs');
if (existsSync(client)) run(client, []);
