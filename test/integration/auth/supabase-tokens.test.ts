/**
 * Verification of Supabase access tokens on every request: keys from the fake project's JWKS (generated here), the
 * algorithm chosen by the key, never by the token. Every forged or wrong token is simply "not signed in".
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SignJWT, UnsecuredJWT, exportSPKI, generateKeyPair, importJWK, type CryptoKey as JoseCryptoKey } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JWKS_OPTIONS } from '../../../src/auth/supabase.js';
import { buildTestApp } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { startFakeSupabaseAuth, type FakeSupabaseAuth, type FakeUser } from '../../fakes/supabase-auth.js';

const db = useTestDatabase();
const LEGACY_SECRET = 'legacy-hs256-secret-at-least-32-characters-long';
let project: FakeSupabaseAuth;
let otherProject: FakeSupabaseAuth;
let app: FastifyInstance;
let legacyApp: FastifyInstance;

const carol: FakeUser = { id: randomUUID(), email: 'carol@example.com', userName: 'carol' };
const whoami = (a: FastifyInstance) => a.get('/whoami', async (req) => ({ user: req.user }));

beforeAll(async () => {
  project = await startFakeSupabaseAuth();
  otherProject = await startFakeSupabaseAuth();
  const env = { SUPABASE_URL: project.url, SUPABASE_ANON_KEY: project.anonKey };
  app = await buildTestApp(db, { env, setup: whoami });
  legacyApp = await buildTestApp(db, { env: { ...env, SUPABASE_JWT_SECRET: LEGACY_SECRET }, setup: whoami });
});
afterAll(async () => {
  await Promise.all([app?.close(), legacyApp?.close()]);
  await Promise.all([project?.close(), otherProject?.close()]);
});
afterEach(() => {
  vi.useRealTimers();
});

async function userFor(target: FastifyInstance, token: string) {
  const res = await target.inject({ url: '/whoami', headers: { cookie: `bench_access=${token}` } });
  expect(res.statusCode).toBe(200);
  return res.json().user as { id: string } | null;
}

/** A token shaped exactly like the project's, signed however the caller says. */
const claims = () => ({ email: carol.email, role: 'authenticated', user_metadata: { user_name: carol.userName } });
function hs256(issuer: string, secret: string | Uint8Array) {
  return new SignJWT(claims())
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience('authenticated')
    .setSubject(carol.id)
    .setExpirationTime('1h')
    .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
}

describe('Supabase access tokens', () => {
  it('accepts a token the project signed (ES256 via its JWKS)', async () => {
    expect(await userFor(app, await project.mintAccessToken(carol))).toMatchObject({ id: carol.id });
  });

  it('rejects alg none, a wrong issuer, a wrong audience, an expired token and another project', async () => {
    const issuer = `${project.url}/auth/v1`;
    const none = new UnsecuredJWT(claims()).setIssuer(issuer).setAudience('authenticated').setSubject(carol.id).setExpirationTime('1h').encode();
    const forged = {
      none,
      wrongIssuer: await project.mintAccessToken(carol, { issuer: `${project.url}/auth/v2` }),
      wrongAudience: await project.mintAccessToken(carol, { audience: 'anon' }),
      expired: await project.mintAccessToken(carol, { expiresIn: -60 }),
      otherProject: await otherProject.mintAccessToken(carol),
      // Another project's key claiming to be this project: its kid is not in this project's JWKS.
      otherKeySameIssuer: await otherProject.mintAccessToken(carol, { issuer }),
      tampered: (await project.mintAccessToken(carol)).replace(/\.[^.]+\./, (p) => `.${Buffer.from(JSON.stringify({ sub: carol.id, iss: issuer, aud: 'authenticated', exp: 9999999999, email: 'mallory@example.com' })).toString('base64url')}.`),
    };
    for (const [name, token] of Object.entries(forged)) {
      expect(await userFor(app, token), name).toBeNull();
      expect(await userFor(legacyApp, token), `${name} (legacy secret set)`).toBeNull();
    }
  });

  it('rejects HS256 "signed" with the public key, whether or not a legacy secret is configured', async () => {
    const issuer = `${project.url}/auth/v1`;
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: Record<string, string>[] };
    const publicJwk = jwks.keys[0]!;
    const pem = await exportSPKI((await importJWK(publicJwk, 'ES256', { extractable: true })) as JoseCryptoKey);
    for (const keyMaterial of [JSON.stringify(publicJwk), pem, publicJwk.x!]) {
      const token = await hs256(issuer, keyMaterial);
      expect(await userFor(app, token)).toBeNull();
      expect(await userFor(legacyApp, token)).toBeNull();
    }
  });

  it('accepts HS256 with SUPABASE_JWT_SECRET only when that legacy secret is set', async () => {
    const token = await hs256(`${project.url}/auth/v1`, LEGACY_SECRET);
    expect(await userFor(legacyApp, token)).toMatchObject({ id: carol.id });
    expect(await userFor(app, token)).toBeNull();
    // The legacy secret does not make HS256 tokens from another issuer acceptable.
    expect(await userFor(legacyApp, await hs256(`${otherProject.url}/auth/v1`, LEGACY_SECRET))).toBeNull();
  });

  it('a legacy token with a bad HMAC is rejected', async () => {
    const token = await hs256(`${project.url}/auth/v1`, LEGACY_SECRET);
    const [h, p] = token.split('.');
    const wrongMac = createHmac('sha256', 'not-the-secret').update(`${h}.${p}`).digest('base64url');
    expect(await userFor(legacyApp, `${h}.${p}.${wrongMac}`)).toBeNull();
  });
});

describe('key rotation', () => {
  it('picks up a new kid by refetching the JWKS once the cooldown has passed, and never more often', async () => {
    // A fresh app, so its JWKS cache starts empty.
    const fresh = await buildTestApp(db, { env: { SUPABASE_URL: project.url, SUPABASE_ANON_KEY: project.anonKey }, setup: whoami });
    try {
      const oldToken = await project.mintAccessToken(carol);
      expect(await userFor(fresh, oldToken)).toMatchObject({ id: carol.id });
      const fetchesAfterFirst = project.jwksFetches;

      // Supabase rotates: a new signing key, the old one dropped from the set.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now());
      await project.rotate({ dropOld: true });
      const newToken = await project.mintAccessToken(carol);

      // Within the cooldown an unknown kid does not trigger a fetch: a flood of invented kids costs nothing.
      expect(await userFor(fresh, newToken)).toBeNull();
      expect(project.jwksFetches).toBe(fetchesAfterFirst);

      vi.setSystemTime(Date.now() + JWKS_OPTIONS.cooldownDuration + 1_000);
      expect(await userFor(fresh, newToken)).toMatchObject({ id: carol.id });
      expect(project.jwksFetches).toBe(fetchesAfterFirst + 1);
      // The old key is gone from the set now, so its tokens no longer verify.
      expect(await userFor(fresh, oldToken)).toBeNull();

      // Many tokens with unknown kids right after: at most the one refetch the cooldown allows -- here none.
      const { privateKey } = await generateKeyPair('ES256');
      for (let i = 0; i < 20; i++) {
        const junk = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: randomUUID() }).setIssuer(`${project.url}/auth/v1`).setAudience('authenticated').setSubject(carol.id).setExpirationTime('1h').sign(privateKey);
        expect(await userFor(fresh, junk)).toBeNull();
      }
      expect(project.jwksFetches).toBe(fetchesAfterFirst + 1);
    } finally {
      vi.useRealTimers();
      await fresh.close();
    }
  });
});
