/**
 * The verify page end to end: a bundle exported from a real finished run (real worker, offline model) is pasted or
 * uploaded to /bench/verify and judged by the same check as `npm run bench:verify`: valid as exported, the changed
 * file named after one changed byte, another key's signature refused against the site's key, and a malformed paste
 * sent back with its text and the message beside the field.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBundle } from '../../../src/bench/export.js';
import type { RunningWorker } from '../../../worker/runtime.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { benchApp, createViaApi, finished, multipart, startBenchWorker } from './helpers.js';

const db = useTestDatabase();
let app: FastifyInstance;
let admin: SignedIn;
let worker: RunningWorker | undefined;
let bundle: string;

/** Numeric items only: nothing reaches the code grader. */
const noCodeGrader = { grade: async () => Promise.reject(new Error('no code item in this test')) };

async function verifyPage(user: SignedIn, fields: Record<string, string>, file?: { name: string; text: string }) {
  const body = multipart({ _csrf: user.csrf, ...fields }, file);
  return app.inject({ method: 'POST', url: '/bench/verify', headers: { cookie: user.cookie, 'content-type': body.contentType }, payload: body.payload });
}

const fileRow = (html: string, name: string) => new RegExp(`<tr data-file="${name.replace('.', '\\.')}" data-ok="(yes|no)">[\\s\\S]*?</tr>`).exec(html);

beforeAll(async () => {
  app = await benchApp(db, {});
  admin = await signIn(app, db, { admin: true });
  const created = await createViaApi(app, admin, { models: ['offline/offline'], kinds: ['numeric'], count: 2, seed: 'verify-page' });
  const [run] = created.body.runs;
  worker = await startBenchWorker(db, {}, noCodeGrader);
  await finished(app, db, admin, run.id, run.runId);
  const res = await app.inject({ url: `/bench/${run.id}/export/bundle.json`, headers: { cookie: admin.cookie } });
  expect(res.statusCode).toBe(200);
  bundle = res.body;
}, 180_000);
afterAll(async () => {
  await worker?.shutdown();
  await app?.close();
});

describe('/bench/verify', () => {
  it('says an exported bundle is valid, signed with this site key, every file OK (pasted or uploaded)', async () => {
    const user = await signIn(app, db); // no benchmark access: verifying is open to anyone signed in
    expect((await app.inject({ url: '/bench/verify', headers: { cookie: user.cookie } })).statusCode).toBe(200);
    for (const res of [await verifyPage(user, { bundle }), await verifyPage(user, { bundle: '' }, { name: 'bundle.json', text: bundle })]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('data-verdict="valid"');
      expect(res.body).toContain("this site&#39;s key</span>");
      for (const name of ['summary.json', 'items.jsonl', 'items.csv']) expect(fileRow(res.body, name)?.[1]).toBe('yes');
    }
  });

  it('fails after one changed byte in a file and names that file', async () => {
    const at = bundle.indexOf('items.csv": "') + 200;
    const digit = bundle.slice(at).search(/[0-9]/) + at;
    const bad = bundle.slice(0, digit) + (bundle[digit] === '1' ? '2' : '1') + bundle.slice(digit + 1);
    const res = await verifyPage(admin, { bundle: bad });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-verdict="invalid"');
    expect(res.body).toContain('Not valid: items.csv does not match its hash');
    expect(fileRow(res.body, 'items.csv')?.[0]).toContain('does not match its hash');
    expect(fileRow(res.body, 'items.jsonl')?.[1]).toBe('yes');
    expect(fileRow(res.body, 'summary.json')?.[1]).toBe('yes');
  });

  it('refuses a bundle signed with another key when checked against the site key, and accepts it against its own', async () => {
    const { files } = JSON.parse(bundle) as { files: Record<string, string> };
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    const forged = JSON.stringify(signBundle(other, 'forged', files));
    const res = await verifyPage(admin, { bundle: forged });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Not valid: signed with another key than the one given');
    expect(res.body).toContain('data-verdict="invalid"');
    expect(res.body).toContain('not this site&#39;s key');
    const own = await verifyPage(admin, { bundle: forged, publicKey: other.publicKey });
    expect(own.body).toContain('data-verdict="valid"');
    expect(own.body).toContain('not this site&#39;s key');
  });

  it('sends a malformed paste or key back with the text and the message beside the field', async () => {
    const res = await verifyPage(admin, { bundle: 'this is not a bundle [' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<textarea id="f-bundle"[^>]*aria-invalid="true"[^>]*>this is not a bundle \[<\/textarea>\s*<p class="field-error" id="f-bundle-error">This is not a bundle this page can check: not JSON/);
    expect(res.body).not.toContain('data-verdict');
    const key = await verifyPage(admin, { bundle, publicKey: 'not a key' });
    expect(key.statusCode).toBe(400);
    expect(key.body).toMatch(/>not a key<\/textarea>\s*<p class="field-error" id="f-publicKey-error">This key cannot be read/);
    const empty = await verifyPage(admin, { bundle: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('id="f-bundle-error">Paste a bundle.json or choose the file.');
  });

  it('refuses a bundle over the limit and says the limit, beside the field', async () => {
    const huge = 'x'.repeat(16 * 1024 * 1024 + 10);
    const res = await verifyPage(admin, { bundle: huge });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="f-bundle-error">The bundle is over the limit (up to 16 MB)');
    expect(res.body).not.toContain('data-verdict');
  });
});
