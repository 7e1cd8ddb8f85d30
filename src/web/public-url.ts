import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

/**
 * The address people reach Bench at, for links that leave the page (OAuth callback, e-mails): PUBLIC_URL when set,
 * otherwise the origin of this request (behind Fly's proxy, the forwarded protocol and host).
 */
export function publicBaseUrl(config: Pick<Config, 'publicUrl'>, request: FastifyRequest): string {
  return config.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
}
