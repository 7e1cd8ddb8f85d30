import { describe, expect, it } from 'vitest';
import { generateAppSecrets } from '../../src/auth/secrets.js';
import { createTokenVerifier, localIssuer, signLocalToken } from '../../src/auth/tokens.js';

describe('token verifier cache', () => {
  it('remembers a verified token only until it expires, and never remembers a failure', async () => {
    const { localKey } = await generateAppSecrets();
    const verify = createTokenVerifier([localIssuer(localKey)]);
    const token = await signLocalToken(localKey, { sub: '00000000-0000-4000-8000-000000000001', email: null, name: null }, 1);
    expect((await verify(token))?.sub).toBe('00000000-0000-4000-8000-000000000001');
    expect((await verify(token))?.sub).toBe('00000000-0000-4000-8000-000000000001');
    const tampered = `${token.slice(0, -4)}AAAA`;
    expect(await verify(tampered)).toBeNull();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await verify(token)).toBeNull();
  });

  it('a token from another installation is refused even after ours was accepted', async () => {
    const ours = await generateAppSecrets();
    const theirs = await generateAppSecrets();
    const verify = createTokenVerifier([localIssuer(ours.localKey)]);
    const claims = { sub: '00000000-0000-4000-8000-000000000002', email: null, name: null };
    expect(await verify(await signLocalToken(ours.localKey, claims))).not.toBeNull();
    expect(await verify(await signLocalToken(theirs.localKey, claims))).toBeNull();
  });
});
