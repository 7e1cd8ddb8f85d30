/**
 * The address rate limits key on, through the whole app as fly.toml deploys it (CLIENT_IP_SOURCE; the rules are
 * src/web/client-ip.ts, tested as a pure function in test/unit/client-ip.test.ts). Behind Fly alone it is
 * Fly-Client-IP; behind Cloudflare, CF-Connecting-IP only when Fly's client is a Cloudflare edge. A forged header
 * sent straight to Fly does not count. Headers only: nothing is sent to these addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
const apps: FastifyInstance[] = [];

async function appWith(env: Record<string, string>): Promise<FastifyInstance> {
  const app = await buildTestApp(db, {
    env: { NODE_ENV: 'production', HOST: '0.0.0.0', ...env },
    setup: (a) => {
      a.get('/__test/ip', async (request) => ({ ip: request.clientIp }));
    },
  });
  apps.push(app);
  return app;
}

let fly: FastifyInstance;
let cloudflareFly: FastifyInstance;

beforeAll(async () => {
  fly = await appWith({});
  cloudflareFly = await appWith({ CLIENT_IP_SOURCE: 'cloudflare-fly' });
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

const ipFor = async (app: FastifyInstance, headers: Record<string, string>) =>
  (await app.inject({ url: '/__test/ip', headers })).json().ip;

describe('client address in production', () => {
  it("behind Fly alone (the default): Fly's header, whatever X-Forwarded-For or CF-Connecting-IP say", async () => {
    expect(await ipFor(fly, { 'fly-client-ip': '203.0.113.9' })).toBe('203.0.113.9');
    expect(await ipFor(fly, { 'fly-client-ip': '203.0.113.9', 'x-forwarded-for': '198.51.100.7', 'cf-connecting-ip': '198.51.100.8' })).toBe(
      '203.0.113.9',
    );
  });

  it("behind Cloudflare: the visitor's address, when Fly's client is a Cloudflare edge", async () => {
    expect(await ipFor(cloudflareFly, { 'fly-client-ip': '104.16.0.1', 'cf-connecting-ip': '203.0.113.9' })).toBe('203.0.113.9');
  });

  it('a CF-Connecting-IP sent straight to Fly is ignored', async () => {
    expect(await ipFor(cloudflareFly, { 'fly-client-ip': '198.51.100.7', 'cf-connecting-ip': '203.0.113.50' })).toBe('198.51.100.7');
  });
});
