/**
 * The reading library's fetcher: GET a page for extraction, refusing every address the classifier (address.ts)
 * refuses. The check runs where it cannot be raced: the socket's own `lookup` resolves the name and refuses the
 * connection if ANY address it got is refused, so a name that answered "public" to an earlier check and "private" now
 * (DNS rebinding) is caught, and a literal address is checked before connecting (Node skips `lookup` for those).
 * Every redirect hop is checked the same way, at most 3 of them; 5 s for the whole fetch; a 2 MB cap on the body;
 * only HTML, plain text and PDF are read.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkUrl, classifyAddress, refuse, type Refusal, type Verdict } from './address.js';

export type FetchFailure = 'refused' | 'timeout' | 'too_large' | 'not_html' | 'blocked_by_challenge' | 'failed';

export type FetchOutcome =
  | { ok: true; finalUrl: string; contentType: string; body: Buffer }
  | { ok: false; status: FetchFailure; message: string };

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface FetchPolicy {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Name resolution; the system resolver unless a test supplies its own. */
  resolve: Resolver;
  /**
   * TESTS ONLY: lets 127.0.0.0/8 and ::1 through, so tests can fetch from their own loopback servers. Nothing in the
   * app sets it; every other refusal still applies.
   */
  allowLoopbackForTests: boolean;
  /**
   * Where an address that passed the checks is actually dialled: itself in the app. Tests map every address to
   * 127.0.0.1, so that even a broken check could never send a packet off this machine -- the test's counting
   * loopback server sees the hit instead, and the test fails.
   */
  dial: (address: string) => string;
}

const systemResolve: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))));

export const DEFAULT_POLICY: FetchPolicy = {
  timeoutMs: 5_000,
  maxBytes: 2 * 1024 * 1024,
  maxRedirects: 3,
  resolve: systemResolve,
  allowLoopbackForTests: false,
  dial: (address) => address,
};

const READABLE = /^(text\/html|application\/xhtml\+xml|text\/plain|application\/pdf)\b/i;

class Refused extends Error {
  constructor(readonly verdict: Refusal) {
    super(verdict.message);
  }
}

function allowed(v: Verdict, policy: FetchPolicy): v is { ok: true } {
  return v.ok || (policy.allowLoopbackForTests && v.reason === 'loopback');
}

/** The socket's resolver: every address the name has must pass, or the connection is never opened. */
function checkingLookup(policy: FetchPolicy): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(hostname).then(
      (addrs) => {
        if (addrs.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
        for (const a of addrs) {
          const v = classifyAddress(a.address);
          if (!v.ok && !allowed(v, policy)) return callback(new Refused(refuse(v.reason, `${hostname} resolves to ${a.address}`)), '', 4);
        }
        const wanted = (options.family === 4 || options.family === 6 ? addrs.filter((a) => a.family === options.family) : addrs).map((a) => {
          const dialled = policy.dial(a.address);
          return { address: dialled, family: isIP(dialled) || a.family };
        });
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, wanted);
        callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    );
  };
}

interface Hop {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer | null;
}

function getOnce(url: URL, policy: FetchPolicy, signal: AbortSignal): Promise<Hop> {
  const mod = url.protocol === 'https:' ? https : http;
  // Node skips `lookup` for an address literal, so the literal goes through `dial` here (it was checked already).
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  const direct = isIP(literal) ? { hostname: policy.dial(literal) } : {};
  return new Promise((resolve, reject) => {
    const req = mod.request(url, {
      ...direct,
      method: 'GET',
      agent: false, // a fresh socket per hop, so every hop goes through the checking lookup
      lookup: checkingLookup(policy),
      signal,
      headers: { host: url.host, 'user-agent': 'Bench-library/1', accept: 'text/html, text/plain;q=0.9, application/pdf;q=0.8' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const type = String(res.headers['content-type'] ?? '');
      const challenge = res.headers['cf-mitigated'] === 'challenge';
      const readBody = !challenge && status >= 200 && status < 300 && READABLE.test(type);
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (!readBody || declared > policy.maxBytes) {
        res.destroy();
        return resolve({ status: declared > policy.maxBytes && readBody ? 413 : status, headers: res.headers, body: null });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > policy.maxBytes) {
          res.destroy();
          resolve({ status: 413, headers: res.headers, body: null });
        } else chunks.push(c);
      });
      res.on('end', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.end();
  });
}

function failure(status: FetchFailure, message: string): FetchOutcome {
  return { ok: false, status, message };
}

/** Fetches a URL for the library. Never throws: every way it can fail is an outcome with a plain message. */
export async function safeFetch(raw: string, policy: FetchPolicy = DEFAULT_POLICY): Promise<FetchOutcome> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  let current = raw;
  for (let hop = 0; hop <= policy.maxRedirects; hop++) {
    const checked = checkUrl(current);
    if (!checked.ok && !allowed(checked, policy)) return failure('refused', hop ? `Redirected to a refused address: ${checked.message}` : checked.message);
    const url = new URL(current);
    let res: Hop;
    try {
      res = await getOnce(url, policy, signal);
    } catch (err) {
      if (err instanceof Refused) return failure('refused', hop ? `Redirected to a refused address: ${err.message}` : err.message);
      if (signal.aborted) return failure('timeout', `The site did not answer within ${policy.timeoutMs / 1000} s.`);
      return failure('failed', `Could not fetch the page (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
    }
    if ([301, 302, 303, 307, 308].includes(res.status) && res.headers.location) {
      current = new URL(res.headers.location, url).toString();
      continue;
    }
    if (res.headers['cf-mitigated'] === 'challenge') return failure('blocked_by_challenge', 'The site asked for a browser challenge (a bot check) instead of the page.');
    if (res.status === 413) return failure('too_large', `The page is larger than ${Math.round(policy.maxBytes / 1024 / 1024)} MB.`);
    if (res.status < 200 || res.status >= 300) return failure('failed', `The site answered ${res.status}.`);
    if (!res.body) return failure('not_html', `Only web pages, plain text and PDFs can be read (this is ${String(res.headers['content-type'] || 'of no stated type')}).`);
    return { ok: true, finalUrl: url.toString(), contentType: String(res.headers['content-type']), body: res.body };
  }
  return failure('refused', `More than ${policy.maxRedirects} redirects.`);
}
