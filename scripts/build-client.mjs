// Browser code: src/client/*.ts -> dist/public/*.js (served at /assets/), plus the Pyodide runtime files.
// Run by scripts/build.mjs after tsc. Incremental: nothing is rebuilt when every output is newer than every input,
// so `npm start` stays fast. `--force` rebuilds anyway.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = join(root, 'src', 'client');
const outDir = join(root, 'dist', 'public');
const stampFile = join(outDir, '.client-build.json');
const force = process.argv.includes('--force');

// The Pyodide runtime is copied into dist/public/pyodide/ rather than served from node_modules by its own route:
// pyodide is a devDependency and the Dockerfile prunes those after `npm run build`, so only dist/ is sure to exist
// at run time; and one /assets/ route keeps one cache policy. The copy is skipped when the file is unchanged.
const pyodideSrc = join(root, 'node_modules', 'pyodide');
const pyodideOut = join(outDir, 'pyodide');
const pyodideFiles = ['pyodide.mjs', 'pyodide.asm.js', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];
// The two big downloads; their sizes are baked into the worker so its progress bar has a true total even when the
// files arrive compressed (Content-Length is then the compressed size).
const pyodideDownloads = ['pyodide.asm.wasm', 'python_stdlib.zip'];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function listFiles(dir) {
  const out = [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

/** True when the last build's outputs are all newer than its inputs (from esbuild's metafile) and src/client. */
function bundlesUpToDate() {
  if (force || !existsSync(stampFile)) return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return false;
  }
  const outputs = stamp.outputs.map((o) => mtime(join(root, o)));
  if (outputs.some((t) => t === undefined)) return false;
  const oldestOutput = Math.min(...outputs);
  // The directory walk catches files added since the last build; the metafile list catches edits to everything
  // bundled (our files, node_modules, the runner); the build script and lock file catch config/dependency changes.
  const inputs = [...listFiles(clientDir), ...stamp.inputs.map((i) => join(root, i)), fileURLToPath(import.meta.url), join(root, 'package-lock.json')];
  return inputs.every((i) => {
    const t = mtime(i);
    return t !== undefined && t < oldestOutput;
  });
}

const common = {
  absWorkingDir: root,
  outdir: outDir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome105', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  tsconfig: join(clientDir, 'tsconfig.json'),
};

async function buildBundles() {
  // Chunk names carry a content hash: start clean so old chunks (and their compressed copies) do not pile up.
  rmSync(join(outDir, 'chunks'), { recursive: true, force: true });
  const [pages, classic, worker] = await Promise.all([
    // Page scripts: ESM with splitting, so the Markdown renderer is a lazily imported chunk, paid for only when
    // someone opens a preview.
    esbuild.build({ ...common, entryPoints: ['editor', 'runner'].map((e) => join(clientDir, `${e}.ts`)), splitting: true }),
    // The small scripts every page (page.ts) or every practice page (practice-page.ts) loads: classic deferred
    // scripts, so they run in document order right after htmx and before it fires its first event.
    esbuild.build({ ...common, entryPoints: ['page', 'practice-page'].map((e) => join(clientDir, `${e}.ts`)), format: 'iife' }),
    // The worker is built alone so it is one self-contained file (no chunk shared with the page). The Python runner
    // ships inside it as text, so the worker and the runner it expects never disagree.
    esbuild.build({
      ...common,
      entryPoints: [join(clientDir, 'py-worker.ts')],
      loader: { '.py': 'text' },
      define: { __PYODIDE_DOWNLOAD_BYTES__: String(pyodideDownloads.reduce((n, f) => n + statSync(join(pyodideSrc, f)).size, 0)) },
    }),
  ]);
  const builds = [pages, classic, worker];
  const outputs = Object.assign({}, ...builds.map((b) => b.metafile.outputs));
  const inputs = [...new Set(builds.flatMap((b) => Object.keys(b.metafile.inputs)))];
  writeFileSync(stampFile, JSON.stringify({ outputs: Object.keys(outputs), inputs }, null, 1));
  return { outputs };
}

function copyPyodide() {
  if (!existsSync(pyodideSrc)) throw new Error('node_modules/pyodide is missing: run npm ci');
  mkdirSync(pyodideOut, { recursive: true });
  let copied = 0;
  for (const f of pyodideFiles) {
    const from = join(pyodideSrc, f);
    const to = join(pyodideOut, f);
    const a = statSync(from);
    const b = existsSync(to) ? statSync(to) : undefined;
    if (!force && b && b.size === a.size && b.mtimeMs >= a.mtimeMs) continue;
    copyFileSync(from, to);
    copied += 1;
  }
  return copied;
}

/**
 * Writes .br and .gz next to each file for @fastify/static's preCompressed option: the wasm goes from 8.6 MB to
 * about 2.4 MB (brotli, sent over HTTPS) or 2.9 MB (gzip). Brotli quality 9, not 11: 11 saves ~13% more but takes
 * ~40 s on the wasm. python_stdlib.zip is already compressed and source maps are only fetched by devtools.
 */
function precompress(dir) {
  let written = 0;
  for (const file of listFiles(dir)) {
    if (!/\.(js|mjs|wasm|json)$/.test(file) || file.includes('.client-build')) continue;
    const source = statSync(file);
    if (!source.isFile()) continue;
    for (const [ext, compress] of [
      ['.br', (b) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: b.length } })],
      ['.gz', (b) => gzipSync(b, { level: 6 })],
    ]) {
      if ((mtime(file + ext) ?? 0) > source.mtimeMs) continue;
      writeFileSync(file + ext, compress(readFileSync(file)));
      written += 1;
    }
  }
  return written;
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

const t0 = Date.now();
const copied = copyPyodide();
if (bundlesUpToDate()) {
  if (copied) console.log(`client: copied ${copied} Pyodide file(s); bundles up to date`);
} else {
  const meta = await buildBundles();
  const sizes = Object.entries(meta.outputs)
    .filter(([name]) => name.endsWith('.js'))
    .map(([name, o]) => `${relative(outDir, join(root, name))} ${kb(o.bytes)}`);
  console.log(`client: built in ${Date.now() - t0} ms: ${sizes.join(', ')}`);
}
const compressed = precompress(outDir);
if (compressed) console.log(`client: wrote ${compressed} precompressed file(s)`);
