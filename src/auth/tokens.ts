/**
 * Access-token verification. Every trusted issuer is listed with its own key source and the algorithms its keys use;
 * the issuer claim only selects which entry to try, and jose then checks signature, algorithm, issuer, audience
 * and expiry against that entry. The token header's `alg` is never trusted on its own, so `alg: none` or an HS256
 * token signed with a public key fails. Every failure is the same outcome: not signed in.
 */
import { decodeJwt, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey, type CryptoKey } from 'jose';
import type { LocalSigningKey } from './secrets.js';

export const LOCAL_ISSUER = 'bench-local';
export const AUDIENCE = 'authenticated';

export interface TrustedIssuer {
  issuer: string;
  algorithms: string[];
  key: CryptoKey | Uint8Array | JWTVerifyGetKey;
  /** Where the identity came from, for the access policy (local tokens only exist in local mode). */
  kind: 'local' | 'supabase';
}

export interface VerifiedToken {
  sub: string;
  email: string | null;
  name: string | null;
  issuerKind: TrustedIssuer['kind'];
  expiresAt: number;
  claims: JWTPayload;
}

export type TokenVerifier = (token: string | undefined) => Promise<VerifiedToken | null>;

/** How many verified tokens a process remembers (one per signed-in browser is typical). */
const VERIFIED_CACHE_SIZE = 5000;

/** A remembered verification is re-done after this long, so the key set's own refresh (and expiry) still applies. */
const VERIFIED_CACHE_MS = 60_000;

interface CachedVerification {
  token: VerifiedToken;
  until: number;
  /** False once the signing key has left the issuer's key set (a rotation that dropped it). */
  keyStillTrusted: () => boolean;
}

/**
 * Verifying an ES256 signature costs ~0.1 ms of CPU, on every request. A token's claims cannot change, so a token
 * verified once is remembered (by its exact text) for a minute at most, while its signing key is still in the
 * issuer's current key set; failures are never remembered.
 */
export function createTokenVerifier(issuers: TrustedIssuer[]): TokenVerifier {
  const verifyUncached = createUncachedVerifier(issuers);
  const verified = new Map<string, CachedVerification>();
  return async (token) => {
    if (!token) return null;
    const hit = verified.get(token);
    if (hit) {
      if (hit.until > Date.now() && hit.keyStillTrusted()) return hit.token;
      verified.delete(token);
    }
    const result = await verifyUncached(token);
    if (result) {
      // Map keeps insertion order: dropping the first key evicts the oldest entry.
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      const until = Math.min(result.token.expiresAt * 1000, Date.now() + VERIFIED_CACHE_MS);
      verified.set(token, { token: result.token, until, keyStillTrusted: result.keyStillTrusted });
    }
    return result?.token ?? null;
  };
}

/** For a remote JWKS (jose's RemoteJWKSet exposes its current set): is this kid still in it? */
function keyStillTrustedFor(key: TrustedIssuer['key'], kid: string | undefined): () => boolean {
  const jwks = (key as { jwks?: () => { keys: { kid?: string }[] } | undefined }).jwks;
  if (typeof jwks !== 'function') return () => true;
  return () => {
    const set = jwks.call(key);
    return !set || set.keys.some((k) => k.kid === kid);
  };
}

type Verification = { token: VerifiedToken; keyStillTrusted: () => boolean };

function createUncachedVerifier(issuers: TrustedIssuer[]): (token: string) => Promise<Verification | null> {
  return async (token) => {
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return null;
    }
    const entries = issuers.filter((i) => i.issuer === iss);
    for (const entry of entries) {
      try {
        const { payload, protectedHeader } = await jwtVerify(token, entry.key as CryptoKey, {
          issuer: entry.issuer,
          audience: AUDIENCE,
          algorithms: entry.algorithms,
          requiredClaims: ['sub', 'exp'],
        });
        const meta = (payload.user_metadata ?? {}) as Record<string, unknown>;
        const verified: VerifiedToken = {
          sub: String(payload.sub),
          email: typeof payload.email === 'string' ? payload.email : null,
          name: typeof meta.full_name === 'string' ? meta.full_name : typeof meta.user_name === 'string' ? meta.user_name : typeof payload.name === 'string' ? payload.name : null,
          issuerKind: entry.kind,
          expiresAt: Number(payload.exp),
          claims: payload,
        };
        return { token: verified, keyStillTrusted: keyStillTrustedFor(entry.key, protectedHeader.kid) };
      } catch {
        // try the next entry for this issuer (e.g. JWKS and legacy HS256 secret side by side)
      }
    }
    return null;
  };
}

export function localIssuer(key: LocalSigningKey): TrustedIssuer {
  return { issuer: LOCAL_ISSUER, algorithms: ['ES256'], key: key.publicKey, kind: 'local' };
}

/** Mints a token for local sign-in; verified by the same path as any other token. */
export async function signLocalToken(
  key: LocalSigningKey,
  claims: { sub: string; email: string | null; name: string | null },
  ttlSeconds = 12 * 3600,
): Promise<string> {
  return new SignJWT({ email: claims.email, user_metadata: { full_name: claims.name }, role: 'authenticated' })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key.privateKey);
}
