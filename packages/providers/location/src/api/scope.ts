import type { FastifyRequest } from 'fastify';
import { forbidden } from '@hookstream/pipeline';
import { PROVIDER } from '../constants.js';

/** Location has no tenants: a token limited to some tenants of it could read none of its data. */
export function requireLocationScope(req: FastifyRequest): void {
  if (!req.scope) throw forbidden('this request carries no read scope');
  if (req.scope.tenants(PROVIDER) !== undefined) throw forbidden(`this token may not read ${PROVIDER} data`);
}
