/**
 * Sign-in by e-mail: who may be sent a link, and the per-address and per-IP limits. No Fastify here.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { decideAccess, type AccessFacts } from './access.js';
import { pruneAttempts, recordAttempt, userIdsByEmail, type AttemptKind } from './email-queries.js';
import type { VerifiedToken } from './tokens.js';

const emailField = z
  .string({ message: 'Enter your e-mail address.' })
  .trim()
  .min(1, 'Enter your e-mail address.')
  .max(254, 'That e-mail address is too long.')
  .pipe(z.email('Enter an e-mail address, like you@example.com.'))
  // Supabase keeps addresses lower-cased, and so does the allowlist (config.ts).
  .transform((v) => v.toLowerCase());

export const emailLinkSchema = z.object({ email: emailField });

export const emailCodeSchema = z.object({
  email: emailField,
  // People copy codes with spaces ("123 456"); those go, anything else is an error shown beside the field.
  code: z
    .string({ message: 'Enter the six-digit code from the e-mail.' })
    .transform((v) => v.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'The code is the six digits in the e-mail, like 123456.')),
});

/**
 * Supabase limits e-mails per project (its built-in mailer: a few an hour), so ours are per address and per IP and
 * sit below what an operator with their own SMTP would allow. A code has a million values: ten tries an hour per
 * address makes guessing one hopeless, while leaving room for typos.
 */
export const EMAIL_LIMITS: Record<AttemptKind, { perEmail: number; perIp: number; windowSeconds: number }> = {
  link: { perEmail: 5, perIp: 20, windowSeconds: 3600 },
  code: { perEmail: 10, perIp: 30, windowSeconds: 3600 },
};

export type LimitOutcome = 'ok' | 'address' | 'ip';

/** Keyed on the lower-cased address's hash: the limit needs equality only (see migration 0019). */
const emailKey = (email: string) => createHash('sha256').update(email.toLowerCase()).digest('hex');

/**
 * Counts this attempt and says whether it is over a limit. Every address is counted, allowed or not, so the answer
 * says nothing about whether the address may sign in.
 */
export async function checkEmailLimit(db: Queryable, kind: AttemptKind, email: string, ip: string): Promise<LimitOutcome> {
  const limits = EMAIL_LIMITS[kind];
  const counts = await recordAttempt(db, { kind, emailKey: emailKey(email), ip, windowSeconds: limits.windowSeconds });
  await pruneAttempts(db);
  if (counts.byIp > limits.perIp) return 'ip';
  if (counts.byEmail > limits.perEmail) return 'address';
  return 'ok';
}

/** The nil UUID: stands for "no Bench user has this address yet" in the access decision below. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * Whether a sign-in link may go to this address: the same decision the auth plugin makes for a signed-in user, asked
 * of the address (and of each Bench user already known by it, for an allowlist of ids or an approval by account).
 */
export async function maySignInByEmail(
  config: Readonly<Config>,
  db: Queryable,
  email: string,
  accessFacts?: (token: VerifiedToken) => Promise<AccessFacts>,
): Promise<boolean> {
  const ids = await userIdsByEmail(db, email);
  for (const sub of ids.length ? ids : [NOBODY]) {
    const token: VerifiedToken = { sub, email: email.toLowerCase(), name: null, issuerKind: 'supabase', expiresAt: 0, claims: {} };
    if (decideAccess(config, token, accessFacts ? await accessFacts(token) : undefined).allowed) return true;
  }
  return false;
}
