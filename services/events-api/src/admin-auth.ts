import type { FastifyRequest } from 'fastify';
import { AppError } from '@hookstream/core';
import type { ReadScope } from '@hookstream/pipeline';
import { createBearerCheck } from './auth.js';
import { readScope, type TokenEntry } from './scope.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the bearer hook: true when the request carries an ADMIN_API_TOKENS token. */
    admin?: boolean;
  }
}

/** Who a bearer token belongs to: a reader (with its scope) or an admin (every provider and tenant). */
export interface Caller {
  scope: ReadScope;
  admin: boolean;
}

const FULL_SCOPE = readScope({});

/**
 * Log paths events-api redacts besides the shared ones: the admin tokens, and what a driver
 * error carries of a statement (its SQL text and parameters hold endpoint secrets on the
 * statements that write them; the store logs failed queries at debug).
 */
export const ADMIN_REDACT_PATHS: readonly string[] = [
  'config.ADMIN_API_TOKENS',
  'err.sql',
  'err.parameters',
  'err.driverError.sql',
  'err.driverError.parameters',
  'err.cause.sql',
  'err.cause.parameters',
];

/**
 * The problem with the entries of ADMIN_API_TOKENS (already split and trimmed), or undefined.
 * Like EVENTS_API_TOKENS' messages, it never repeats a token.
 */
export function parseAdminTokens(tokens: readonly string[]): string | undefined {
  for (const t of tokens) {
    if (t.length < 16) return 'each token must be at least 16 characters';
    if (!/^[\x21-\x7e]+$/.test(t)) return 'tokens must be printable ASCII without spaces';
    // Scopes narrow reader tokens; an admin token manages every endpoint, so a scope would be a false promise.
    if (t.includes('@')) return 'admin tokens take no @scope (they read and manage everything) and cannot contain @';
  }
  return undefined;
}

/**
 * One constant-time check over reader and admin tokens together, so timing does not tell which
 * list a token is in. Admin tokens read with full scope.
 */
export function createCallerCheck(readers: readonly TokenEntry[], admins: readonly string[]): (authorization: string | undefined) => Caller | undefined {
  return createBearerCheck<Caller>([
    ...readers.map((e) => ({ token: e.token, value: { scope: readScope(e.scope), admin: false } })),
    ...admins.map((token) => ({ token, value: { scope: FULL_SCOPE, admin: true } })),
  ]);
}

/**
 * The onRequest hook of the admin routes (after the bearer hook answered 401 for unknown
 * tokens): 404 when the admin API is off, 403 for reader tokens.
 */
export function requireAdmin(enabled: boolean): (req: FastifyRequest) => Promise<void> {
  return async (req) => {
    if (!enabled) throw new AppError('admin_api_disabled', 404, 'the admin API is disabled: set ADMIN_API_TOKENS to enable it');
    if (req.admin !== true) throw new AppError('admin_required', 403, 'this route needs an admin token (ADMIN_API_TOKENS); reader tokens cannot use it');
  };
}
