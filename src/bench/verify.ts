/**
 * Checks a signed benchmark export (export.ts): the one implementation behind `npm run bench:verify` and the page
 * /bench/verify. It reports every part separately (does the signer's key match the trusted one, does the signature
 * hold, which file matches its hash) rather than stopping at the first failure, so the page can show each verdict.
 * The bundle's own key is trusted only when no key is given: that proves integrity, not who signed it.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { BUNDLE_FORMAT, sha256, type Bundle } from './export.js';

export interface FileCheck {
  name: string;
  ok: boolean;
  /** Why it fails: missing, changed, or not in the manifest. */
  problem: string | null;
}

export type BundleCheck =
  | { readable: false; field: 'bundle' | 'key'; reason: string }
  | {
      readable: true;
      ok: boolean;
      run: string | null;
      /** The key the bundle says signed it (PEM). */
      signerKey: string;
      /** null when no trusted key was given. */
      keyMatches: boolean | null;
      /** The signature over the manifest, checked with the trusted key (else the bundle's own). */
      signatureValid: boolean;
      files: FileCheck[];
      /** The first failure, in words; null when ok. */
      reason: string | null;
    };

interface Manifest {
  run: string;
  files: { name: string; sha256: string }[];
}

function keyOf(pem: string): KeyObject | null {
  try {
    return createPublicKey(pem);
  } catch {
    return null;
  }
}

const der = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('hex');

/** Whether two PEM public keys are the same key (PEM text can differ in line breaks). */
export function sameKey(a: string, b: string): boolean {
  const ka = keyOf(a);
  const kb = keyOf(b);
  return !!ka && !!kb && der(ka) === der(kb);
}

function parseBundle(text: string): Bundle | string {
  let b: Bundle;
  try {
    b = JSON.parse(text) as Bundle;
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  const shaped = b?.format === BUNDLE_FORMAT && typeof b.manifest === 'string' && typeof b.signature === 'string' && typeof b.publicKey === 'string';
  if (!shaped || typeof b.files !== 'object' || b.files === null) return `not a ${BUNDLE_FORMAT} bundle (format, manifest, signature, publicKey and files are needed)`;
  return b;
}

function parseManifest(text: string): Manifest | null {
  try {
    const m = JSON.parse(text) as Manifest;
    return Array.isArray(m?.files) && m.files.every((f) => typeof f?.name === 'string' && typeof f.sha256 === 'string') ? m : null;
  } catch {
    return null;
  }
}

function signatureHolds(b: Bundle, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(b.manifest, 'utf8'), key, Buffer.from(b.signature, 'base64'));
  } catch {
    // A key of another type (RSA, EC) cannot check an Ed25519 signature: it does not hold.
    return false;
  }
}

function checkFiles(manifest: Manifest, files: Record<string, unknown>): FileCheck[] {
  const listed = manifest.files.map((f): FileCheck => {
    const text = files[f.name];
    if (typeof text !== 'string') return { name: f.name, ok: false, problem: 'is missing' };
    return sha256(text) === f.sha256 ? { name: f.name, ok: true, problem: null } : { name: f.name, ok: false, problem: 'does not match its hash' };
  });
  const extra = Object.keys(files).filter((name) => !manifest.files.some((f) => f.name === name));
  return [...listed, ...extra.map((name) => ({ name, ok: false, problem: 'is not in the manifest' }))];
}

/** Checks a bundle's text; `trustedKey` (PEM) is the key it must be signed with, e.g. this site's. */
export function checkBundle(text: string, trustedKey?: string): BundleCheck {
  const trusted = trustedKey === undefined ? undefined : keyOf(trustedKey);
  if (trusted === null) return { readable: false, field: 'key', reason: 'not a PEM public key (-----BEGIN PUBLIC KEY----- …)' };
  const b = parseBundle(text);
  if (typeof b === 'string') return { readable: false, field: 'bundle', reason: b };
  const own = keyOf(b.publicKey);
  if (!own) return { readable: false, field: 'bundle', reason: 'its publicKey is not a PEM public key' };
  const keyMatches = trusted ? der(trusted) === der(own) : null;
  const signatureValid = signatureHolds(b, trusted ?? own);
  const manifest = parseManifest(b.manifest);
  const files = manifest ? checkFiles(manifest, b.files as Record<string, unknown>) : [];
  const badFiles = files.filter((f) => !f.ok).map((f) => `${f.name} ${f.problem}`);
  const reason =
    keyMatches === false ? 'signed with another key than the one given'
    : !signatureValid ? 'the signature does not match the manifest'
    : !manifest ? 'the manifest cannot be read'
    : badFiles.length ? badFiles.join('; ')
    : null;
  return { readable: true, ok: reason === null, run: manifest?.run ?? null, signerKey: b.publicKey, keyMatches, signatureValid, files, reason };
}
