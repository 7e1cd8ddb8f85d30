/**
 * In production the address rate limits use is the visitor's: behind Fly alone, the last X-Forwarded-For entry;
 * behind Cloudflare, the entry Cloudflare added. A forged entry sent straight to Fly does not count. Headers only:
 * nothing is sent to these addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildTestApp(db, {
    env: { NODE_ENV: 'production', HOST: '0.0.0.0' },
    setup: (a) => {
      a.get('/__test/ip', async (request) => ({ ip: request.ip }));
    },
  });
});
afterAll(async () => {
  await app?.close();
});

const ipFor = async (xff: string) => (await app.inject({ url: '/__test/ip', headers: { 'x-forwarded-for': xff } })).json().ip;

describe('client address in production', () => {
  it('behind Fly alone: the address that reached Fly', async () => {
    expect(await ipFor('203.0.113.9')).toBe('203.0.113.9');
  });

  it("behind Cloudflare: the visitor's address, added by the Cloudflare edge", async () => {
    expect(await ipFor('203.0.113.9, 104.16.0.1')).toBe('203.0.113.9');
  });

  it('a forged entry sent straight to Fly is ignored', async () => {
    expect(await ipFor('203.0.113.50, 198.51.100.7')).toBe('198.51.100.7');
    expect(await ipFor('203.0.113.50, 104.16.0.1, 198.51.100.7')).toBe('198.51.100.7');
  });
});
