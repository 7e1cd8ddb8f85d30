/**
 * Supabase's admin API, with SUPABASE_SERVICE_ROLE_KEY: server-only, and used for one thing, inviting the address of
 * an approved access request (Supabase sends the invitation e-mail). The key goes to supabase-js and nowhere else:
 * it is never logged, rendered or put in a cookie, and an error text is scrubbed of it before anything keeps it.
 */
import { createClient } from '@supabase/supabase-js';
import type { Config } from '../config.js';
import { boundedFetch } from './supabase.js';

export type InviteOutcome = { status: 'sent' } | { status: 'registered' } | { status: 'failed'; reason: string };

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Inviter {
  /** Invites the address; `redirectTo` is where the invitation's link lands after Supabase verifies it. */
  invite(email: string, redirectTo: string, log: Logger): Promise<InviteOutcome>;
}

/** Supabase's answer when the address already has a user (signed in before, or invited before). */
const ALREADY_REGISTERED = new Set(['email_exists', 'user_already_exists']);

/** An inviter, or null when the project URL or the service-role key is not set. */
export function createInviter(config: Readonly<Config>): Inviter | null {
  const { url, serviceRoleKey } = config.supabase;
  if (!url || !serviceRoleKey) return null;
  const scrub = (text: string) => text.split(serviceRoleKey).join('[redacted]').slice(0, 300);
  return {
    async invite(email, redirectTo, log) {
      // A client per call: no session to keep, and the logger is the request's.
      const admin = createClient(url, serviceRoleKey, {
        global: { fetch: boundedFetch(log) },
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      });
      const { error } = await admin.auth.admin.inviteUserByEmail(email, { redirectTo });
      if (!error) {
        log.info({}, 'Supabase invitation sent');
        return { status: 'sent' };
      }
      if (error.code && ALREADY_REGISTERED.has(error.code)) {
        log.info({}, 'Supabase already has this user: no invitation needed');
        return { status: 'registered' };
      }
      const reason = scrub(`Supabase answered ${error.status ?? 'without a status'}: ${error.message}`);
      log.warn({ reason }, 'Supabase invitation failed; the approval stands');
      return { status: 'failed', reason };
    },
  };
}
