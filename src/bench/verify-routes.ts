/**
 * The page /bench/verify: paste or upload a signed export and see its verdict from checkBundle (the check
 * `npm run bench:verify` runs). Any signed-in user may use it, benchmark access or not: it reads nothing but the
 * site's public key, which /bench shows anyway, and a bundle may come from someone else's run. The multipart parser
 * is registered in this plugin's scope only, like the dataset import's.
 */
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../auth/current-user.js';
import { acceptMultipartForm, uploadedFile } from '../web/multipart.js';
import { exportPublicKey } from './service.js';
import { checkBundle, sameKey, type BundleCheck } from './verify.js';

/** Bundles of large runs are a few MB; this keeps one request's memory bounded. */
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
const MAX_KEY_BYTES = 16 * 1024;
const LIMIT_TEXT = `up to ${MAX_BUNDLE_BYTES / 1024 / 1024} MB`;

interface Values {
  bundle: string;
  publicKey: string;
}

type Errors = Partial<Record<keyof Values, string>>;

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The input's problems before any check: nothing given, or over a limit (the parser cuts at limit + 1 byte). */
function sizeErrors(values: Values, fileTruncated: boolean): Errors {
  const errors: Errors = {};
  if (fileTruncated || Buffer.byteLength(values.bundle, 'utf8') > MAX_BUNDLE_BYTES) errors.bundle = `The bundle is over the limit (${LIMIT_TEXT}); what arrived is cut there.`;
  else if (!values.bundle.trim()) errors.bundle = 'Paste a bundle.json or choose the file.';
  if (Buffer.byteLength(values.publicKey, 'utf8') > MAX_KEY_BYTES) errors.publicKey = `A public key is a few hundred bytes; this is over ${MAX_KEY_BYTES / 1024} KB.`;
  return errors;
}

function verdictOf(check: Extract<BundleCheck, { readable: true }>, siteKey: string, ownKey: boolean) {
  return { ...check, ownKey, signedBySite: sameKey(check.signerKey, siteKey) };
}

export async function verifyRoutes(app: FastifyInstance): Promise<void> {
  acceptMultipartForm(app, { maxFileBytes: MAX_BUNDLE_BYTES, maxFieldBytes: MAX_BUNDLE_BYTES + 1 });
  const db = app.deps.pool;
  const page = async (extra: Record<string, unknown>) => ({ limitText: LIMIT_TEXT, siteKey: await exportPublicKey(db), values: { bundle: '', publicKey: '' }, errors: {}, verdict: null, ...extra });

  app.get('/bench/verify', { preHandler: requireUser }, async (_request, reply) => reply.view('pages/bench/verify.njk', await page({})));

  app.post('/bench/verify', { preHandler: requireUser, bodyLimit: MAX_BUNDLE_BYTES * 2 + 64 * 1024 }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const file = uploadedFile(body, 'file');
    // An uploaded file lands in the text box, since a browser never refills a file input.
    const values: Values = { bundle: file && file.text.trim() ? file.text : text(body.bundle), publicKey: text(body.publicKey) };
    const siteKey = await exportPublicKey(db);
    let errors = sizeErrors(values, !!file?.truncated);
    if (!Object.keys(errors).length) {
      const ownKey = values.publicKey.trim() !== '';
      const check = checkBundle(values.bundle, ownKey ? values.publicKey : siteKey);
      if (check.readable) return reply.view('pages/bench/verify.njk', await page({ values, verdict: verdictOf(check, siteKey, ownKey) }));
      errors = { [check.field === 'key' ? 'publicKey' : 'bundle']: check.field === 'key' ? `This key cannot be read: ${check.reason}.` : `This is not a bundle this page can check: ${check.reason}.` };
    }
    return reply.code(400).view('pages/bench/verify.njk', await page({ values, errors }));
  });
}
