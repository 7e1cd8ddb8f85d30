/**
 * Drives a browser's part of "E-mail me a sign-in link" against an app configured with the fake Supabase: the login
 * page, POST /auth/email, and then either the link from the fake's outbox (Supabase's /verify, which redirects to
 * /auth/callback with a code) or the six-digit code typed into /auth/email/code. The app's code and supabase-js are real.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { FakeMail, FakeSupabaseAuth } from '../fakes/supabase-auth.js';
import { CookieJar } from './cookie-jar.js';

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

/** app.inject with the jar's cookies, from a given client address (the in-memory burst limit is per IP). */
export function browserOf(app: FastifyInstance, jar = new CookieJar(), remoteAddress = '127.0.0.1') {
  const send = async (opts: InjectOptions) => {
    const res = await app.inject({ remoteAddress, ...opts, headers: { ...(opts.headers ?? {}), cookie: jar.header() } });
    jar.update(res);
    return res;
  };
  const csrf = async (url = '/login') => /name="_csrf" value="([^"]+)"/.exec((await send({ url })).body)![1]!;
  return {
    jar,
    send,
    /** GET /login, then POST the e-mail form as a browser would. */
    async askForLink(email: string, next = '/') {
      const token = await csrf(`/login?next=${encodeURIComponent(next)}`);
      const url = '/auth/email';
      return send({ method: 'POST', url, ...form({ _csrf: token, next, email }) });
    },
    async typeCode(email: string, code: string, next = '/') {
      const token = await csrf(`/auth/email/code?next=${encodeURIComponent(next)}`);
      const url = '/auth/email/code';
      return send({ method: 'POST', url, ...form({ _csrf: token, next, email, code }) });
    },
    /** Opens the e-mailed link: Supabase's /verify (real HTTP), then the app's callback with what it redirected to. */
    async followLink(mail: FakeMail) {
      const verify = await fetch(mail.link, { redirect: 'manual' });
      const back = new URL(verify.headers.get('location')!);
      return { verify, back, done: await send({ url: `${back.pathname}${back.search}` }) };
    },
  };
}

export const mailsTo = (supabase: FakeSupabaseAuth, email: string) => supabase.outbox.filter((m) => m.to === email);
