/**
 * Secrets Bench makes for itself on first boot and keeps in `app_secrets`, so every process and machine sharing the
 * database agrees on them: the cookie-signing secret and the local sign-in ES256 key pair.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { Queryable } from '../db/pool.js';
import { getSecret, insertSecretIfAbsent } from './queries.js';

export interface LocalSigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface AppSecrets {
  cookieSecret: string;
  localKey: LocalSigningKey;
}

/** Insert-if-absent then read, so two processes booting together end up with the same value. */
export async function getOrCreateSecret<T>(db: Queryable, name: string, make: () => Promise<T>): Promise<T> {
  await insertSecretIfAbsent(db, name, JSON.stringify(await make()));
  return (await getSecret<T>(db, name))!;
}

const newCookieSecret = async () => randomBytes(32).toString('base64url');
async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256' };
}

export async function loadAppSecrets(db: Queryable): Promise<AppSecrets> {
  const cookieSecret = await getOrCreateSecret(db, 'cookie_secret', newCookieSecret);
  return toSecrets(cookieSecret, await getOrCreateSecret(db, 'local_signing_key', newSigningKey));
}

/** Throwaway secrets for an app that must not touch the database (the health-check test). */
export async function generateAppSecrets(): Promise<AppSecrets> {
  return toSecrets(await newCookieSecret(), await newSigningKey());
}

async function toSecrets(cookieSecret: string, stored: JWK): Promise<AppSecrets> {
  const { d: _private, ...publicJwk } = stored;
  return {
    cookieSecret,
    localKey: {
      kid: String(stored.kid),
      privateKey: (await importJWK(stored as JWK, 'ES256')) as CryptoKey,
      publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
      publicJwk,
    },
  };
}
