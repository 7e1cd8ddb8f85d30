import { describe, expect, it, vi } from 'vitest';
import { generateAppSecrets } from '../../src/auth/secrets.js';
import { createTokenVerifier, localIssuer, signLocalToken } from '../../src/auth/tokens.js';

describe('token verifier cache', () => {
  it('remembers a verified token only until it expires, and never remembers a failure', async () => {
    const { localKey } = await generateAppSecrets();
    const verify = createTokenVerifier([localIssuer(localKey)]);
    // A minute to live, and the clock moved past it (not a 1 s token and a sleep: a busy machine could spend that
    // second before the first check, and the token would be refused for the wrong reason).
    const token = await signLocalToken(localKey, { sub: '00000000-0000-4000-8000-000000000001', email: null, name: null }, 60);
    expect((await verify(token))?.sub).toBe('00000000-0000-4000-8000-000000000001');
    expect((await verify(token))?.sub).toBe('00000000-0000-4000-8000-000000000001');
    const tampered = `${token.slice(0, -4)}AAAA`;
    expect(await verify(tampered)).toBeNull();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      expect(await verify(token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
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
