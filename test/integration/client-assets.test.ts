/**
 * The client build's output as the app serves it: bundles and the Pyodide runtime from our own origin under
 * /assets/, precompressed copies chosen by Accept-Encoding (byte-identical once decoded), and the headers a
 * cross-origin isolated problem page needs on them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeModulesDir } from '../../src/paths.js';
import { buildTestApp } from '../helpers/app.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp(db);
});
afterAll(() => app.close());

describe('/assets/ (the client build)', () => {
  it('serves the three entry points as JavaScript', async () => {
    for (const name of ['editor.js', 'runner.js', 'py-worker.js']) {
      const res = await app.inject(`/assets/${name}`);
      expect(res.statusCode, name).toBe(200);
      expect(res.headers['content-type'], name).toMatch(/^(application|text)\/javascript/);
    }
  });

  it('serves the Pyodide runtime from our origin, compressed when the browser accepts it', async () => {
    const original = readFileSync(join(nodeModulesDir, 'pyodide', 'pyodide.asm.wasm'));
    const url = '/assets/pyodide/pyodide.asm.wasm';
    const plain = await app.inject({ url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-type']).toBe('application/wasm');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(original)).toBe(true);

    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toBe('application/wasm');
    expect(br.rawPayload.length).toBeLessThan(original.length / 2);
    expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);

    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);

    for (const file of ['pyodide.mjs', 'pyodide.asm.js', 'python_stdlib.zip', 'pyodide-lock.json']) {
      expect((await app.inject(`/assets/pyodide/${file}`)).statusCode, file).toBe(200);
    }
  });

  it('marks assets loadable by a cross-origin isolated page (COEP on the worker script, CORP on all)', async () => {
    const res = await app.inject('/assets/py-worker.js');
    expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});
